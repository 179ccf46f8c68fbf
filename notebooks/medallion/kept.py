"""The local pipeline's --keep folder: a new lakehouse, or one it made earlier, which a run continues.

A lakehouse of ours holds `lakestream-lakehouse.json`: the source, layout and gold mode it was made with, and the
content hash of every file added to its source. Both sources (`medallion.local`, `medallion.local_eventhubs`) check
the folder here, before anything is created, so a refused run leaves it as it found it.
"""

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "lakestream-lakehouse.json"
MANIFEST_VERSION = 1
# Exit code of a --keep folder that is neither new, nor empty, nor a lakehouse of ours (2 is bad flags or input).
EXIT_NOT_A_LAKEHOUSE = 5
DEFAULTS = {"streams": "single", "gold_mode": "update"}
FLAGS = {"source": "--source", "streams": "--streams", "gold_mode": "--gold-mode"}


class KeepRefused(Exception):
    """The --keep folder cannot be used with these flags or this input (exit 2)."""


class NotALakehouse(Exception):
    """The --keep folder is neither new nor empty, and not a lakehouse this command made (exit 5)."""


@dataclass
class KeptLakehouse:
    """A --keep folder; `manifest` is None until the lakehouse is made (a new or empty folder)."""

    path: Path
    flag: str
    manifest: dict | None = None
    settings: dict = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return self.manifest is None


def open_kept(keep: str) -> KeptLakehouse:
    """Checks the --keep folder: new or empty (made on the first run), or a lakehouse of ours (continued)."""
    path = Path(keep).resolve()
    if path.exists() and not path.is_dir():
        raise KeepRefused(f"--keep {keep}: is a file; give a new or empty directory, or a lakehouse kept earlier")
    if not path.is_dir() or not any(path.iterdir()):
        return KeptLakehouse(path, keep)
    expected = (
        f"expected a new or empty directory, or a lakehouse an earlier `npm run pipeline:local -- --keep` made "
        f"(it holds {MANIFEST})"
    )
    manifest_file = path / MANIFEST
    if not manifest_file.is_file():
        raise NotALakehouse(f"--keep {keep}: {path} is not empty and not a lakehouse of ours; {expected}")
    try:
        manifest = json.loads(manifest_file.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotALakehouse(f"--keep {keep}: {manifest_file} cannot be read ({error}); {expected}") from None
    wanted = ("source", "streams", "gold_mode", "inputs")
    complete = isinstance(manifest, dict) and all(name in manifest for name in wanted)
    if not complete or manifest.get("version") != MANIFEST_VERSION:
        raise NotALakehouse(
            f"--keep {keep}: {manifest_file} is not a version {MANIFEST_VERSION} manifest with {', '.join(wanted)}; "
            f"{expected}"
        )
    return KeptLakehouse(path, keep, manifest)


def settle(kept: KeptLakehouse | None, source: str, streams: str | None, gold_mode: str | None) -> dict:
    """The source, layout and gold mode of this run: the flags given for a new lakehouse or none (defaults for the
    others); for a kept one, those it was made with, and a flag that differs is refused (its checkpoints and tables
    belong to one layout and one gold mode, its checkpoints to one source)."""
    given = {"source": source, "streams": streams, "gold_mode": gold_mode}
    if kept is None or kept.is_new:
        settings = {name: value or DEFAULTS.get(name) for name, value in given.items()}
        if kept is not None:
            kept.settings = settings
        return settings
    for name, value in given.items():
        made = kept.manifest[name]
        if value is not None and value != made:
            raise KeepRefused(
                f"{FLAGS[name]} {value}: the lakehouse in {kept.path} was made with {FLAGS[name]} {made}, and a kept "
                f"lakehouse continues as it was made; leave the flag out or give {made}, or use a new --keep folder"
            )
    kept.settings = {name: kept.manifest[name] for name in given}
    return kept.settings


def content_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_new_content(kept: KeptLakehouse, digest: str, name: str) -> None:
    """Refuses a file whose content the lakehouse's source already holds: it would be read twice."""
    for entry in [] if kept.is_new else kept.manifest["inputs"]:
        if entry["sha256"] == digest:
            raise KeepRefused(
                f"--input {name}: the same content is already in the lakehouse in {kept.path} (as {entry['file']}); "
                "each run reads only what is new, so give a file of new events, or leave --input out to continue"
            )


def next_source_file(kept: KeptLakehouse) -> str:
    """Where the next input goes in the lakehouse's source folder (relative to the lakehouse)."""
    count = 0 if kept.is_new else len(kept.manifest["inputs"])
    return "source/events.json" if count == 0 else f"source/events-{count + 1}.json"


def record(kept: KeptLakehouse, added: dict | None = None) -> None:
    """Writes the manifest (whole or not at all): the settings, and the input just added to the source, if any."""
    manifest = kept.manifest or {"version": MANIFEST_VERSION, **kept.settings, "inputs": []}
    if added is not None:
        manifest = {**manifest, "inputs": [*manifest["inputs"], added]}
    staged = kept.path / f".{MANIFEST}.tmp"
    staged.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(staged, kept.path / MANIFEST)
    kept.manifest = manifest
