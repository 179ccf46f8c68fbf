#!/usr/bin/env bash
# Creates the project-local Python environment (.venv) for the notebooks: pinned packages and the Delta Lake jars.
#
# Everything the local pipeline and the Python tests need is fetched here, once, so that later runs need no network:
# the packages from PyPI, and the Delta jars, which Spark's own package resolver (Ivy, checksums verified) fetches from
# Maven Central once into .venv/ivy; they are kept in .venv/jars and every later session loads them from disk instead of
# resolving `spark.jars.packages` again. A stamp file holding a hash of the inputs makes a re-run a no-op.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/notebooks/requirements-dev.txt"
JARS_DIR="$VENV/jars"
STAMP="$VENV/.lakestream-setup"
IVY_DIR="$VENV/ivy"
# Delta Lake for Spark 3.5 / Scala 2.12, the version of Databricks Runtime 15.4 LTS; it brings delta-storage along.
DELTA_PACKAGE="io.delta:delta-spark_2.12:3.2.0"

find_python() {
    for candidate in "${PYTHON:-}" python3.11 python3; do
        if [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! PYTHON_BIN="$(find_python)"; then
    echo "error: Python 3.11 is required (Databricks Runtime 15.4 LTS runs Python 3.11); install python3.11 and rerun npm run setup" >&2
    exit 2
fi
if ! command -v java >/dev/null 2>&1; then
    echo "error: Java 17 is required by Spark 3.5; install a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless) and rerun npm run setup" >&2
    exit 2
fi

fingerprint="$({ cat "$REQUIREMENTS"; echo "$DELTA_PACKAGE"; "$PYTHON_BIN" --version; } | sha256sum | cut -d' ' -f1)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$fingerprint" && -x "$VENV/bin/python" ]]; then
    echo "python environment up to date ($VENV)"
    exit 0
fi

started=$SECONDS
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON_BIN" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --requirement "$REQUIREMENTS"

mkdir -p "$JARS_DIR"
# A throw-away local session makes Spark resolve the package; pyspark already ships antlr4-runtime, so only the Delta
# jars are kept.
"$VENV/bin/python" - "$DELTA_PACKAGE" "$IVY_DIR" "$JARS_DIR" <<'PY'
import pathlib
import shutil
import sys

from pyspark.sql import SparkSession

package, ivy_dir, jars_dir = sys.argv[1:4]
spark = (
    SparkSession.builder.master("local[1]")
    .config("spark.jars.packages", package)
    .config("spark.jars.ivy", ivy_dir)
    .config("spark.ui.enabled", "false")
    .getOrCreate()
)
spark.stop()
kept = sorted(pathlib.Path(ivy_dir, "jars").glob("io.delta_delta-*.jar"))
if len(kept) < 2:
    sys.exit(f"error: Spark did not resolve {package} into {ivy_dir}; check access to Maven Central")
for jar in kept:
    # Keep the plain artifact file name (delta-spark_2.12-3.2.0.jar), as the session loader expects.
    shutil.copy(jar, pathlib.Path(jars_dir, jar.name.removeprefix("io.delta_")))
PY

echo "$fingerprint" >"$STAMP"
echo "python environment ready in $((SECONDS - started))s ($VENV)"
