"""The layout of the `medallion` package: no module imports another that imports it back, directly or not."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "notebooks" / "medallion"


def imports_of(path: Path) -> set[str]:
    """The `medallion` modules a file imports anywhere in it, function bodies included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("medallion"):
            found |= {node.module} if node.module != "medallion" else {f"medallion.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("medallion.")}
    return {name.split(".")[1] for name in found}


def test_the_package_has_no_import_cycle():
    graph = {path.stem: imports_of(path) - {path.stem} for path in PACKAGE.glob("*.py")}
    cycles = []

    def visit(module: str, trail: list[str]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported in trail:
                cycles.append(" -> ".join([*trail[trail.index(imported) :], imported]))
            else:
                visit(imported, [*trail, imported])

    for module in sorted(graph):
        visit(module, [module])
    assert cycles == []


def test_the_cycle_check_sees_imports_inside_functions(tmp_path):
    (tmp_path / "a.py").write_text("def f():\n    from medallion import b\n")
    assert imports_of(tmp_path / "a.py") == {"b"}
