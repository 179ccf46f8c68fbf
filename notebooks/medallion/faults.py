"""Named fault points for the kill harness (bench/kill_bench.py): test-only, inert unless LAKESTREAM_FAULT names one.

A local-only module (the local CLI imports it; it is never uploaded to Databricks): the runtime modules only announce
their steps (`medallion.idempotent.step_reached`), and an armed fault point observes them.

`LAKESTREAM_FAULT=<point>@<batch id>` makes the run SIGKILL its whole process group (the Python process, the JVM it
started and the shell that started it: what a lost VM or a driver killed for memory does) when the point is reached
in that micro-batch of the stream it belongs to. Before the kill the point appends one JSON line (point, batch, what
it saw) to the file named by `LAKESTREAM_FAULT_MARKER`, so the harness can tell a fired point from a run that died
otherwise; a commit point that the batch passed without the moment it waits for (the write had no data files, or
committed between two looks) records `"missed": true` there and lets the run go on.

Points (the batch id is that of the stream named):

- `bronze-commit`, `quarantine-commit`, `silver-commit`, `gold-commit`: during that table's write, in the JVM. A
  watcher thread waits until the stream has planned the batch (its checkpoint's `offsets/<batch>` exists), notes the
  table's data files and newest log version, then fires as soon as a new data file of the table appears while the
  table's next commit (`_delta_log/<version + 1>.json`) does not exist yet: the batch's tasks have written (or are
  writing) its Parquet files and Delta has not committed them. Single layout: the `pipeline/weather` stream's batch;
  layered: the `bronze/weather`, `silver/weather` (silver and quarantine) or `gold/weather_summary` stream's batch.
- `batch-log`: the single layout's gold plan entry (`single_stream.BatchLog.write`), after the staged file is written
  and before it is renamed into place.
- `after-silver`: right after silver's write of the batch returned (`silver.write_silver_tables`). In the layered
  layout gold's stream has not started yet; in the single layout gold's write of the same batch runs beside silver's,
  so it may or may not have committed, and the batch is not yet marked done in the checkpoint.
"""

import json
import os
import signal
import threading
import time
from pathlib import Path

from medallion.idempotent import observe_steps

FAULT_ENV = "LAKESTREAM_FAULT"
MARKER_ENV = "LAKESTREAM_FAULT_MARKER"
COMMIT_POINTS = ("bronze-commit", "quarantine-commit", "silver-commit", "gold-commit")
POINTS = (*COMMIT_POINTS, "batch-log", "after-silver")
# Per layout: the stream whose batch id a commit point counts, and the table folder under the warehouse it watches.
_TABLE_FOLDERS = {
    "bronze-commit": "bronze.db/weather",
    "quarantine-commit": "silver.db/weather_quarantine",
    "silver-commit": "silver.db/weather",
    "gold-commit": "gold.db/weather_summary",
}
_STREAMS = {
    "single": dict.fromkeys(COMMIT_POINTS, "pipeline/weather"),
    "layered": {
        "bronze-commit": "bronze/weather",
        "quarantine-commit": "silver/weather",
        "silver-commit": "silver/weather",
        "gold-commit": "gold/weather_summary",
    },
}
_POLL_SECONDS = 0.002


def parse_fault(text: str | None) -> tuple[str, int] | None:
    """`<point>@<batch id>` as (point, batch id); None when unset. Raises ValueError for anything else."""
    if not text:
        return None
    point, _, batch = text.partition("@")
    if point not in POINTS or not batch.isdigit():
        raise ValueError(f"{FAULT_ENV}={text!r}: expected <point>@<batch id>, a point among {', '.join(POINTS)}")
    return point, int(batch)


_ARMED = parse_fault(os.environ.get(FAULT_ENV))


def _record(entry: dict) -> None:
    marker = os.environ.get(MARKER_ENV)
    if not marker:
        return
    with open(marker, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")
        out.flush()
        os.fsync(out.fileno())


def _kill(point: str, batch_id: int, seen: str) -> None:
    _record({"point": point, "batch": batch_id, "fired": True, "seen": seen, "pid": os.getpid()})
    os.killpg(os.getpgrp(), signal.SIGKILL)


def fault_point(point: str, batch_id: int) -> None:
    """Kills the process group when LAKESTREAM_FAULT names this point and batch; does nothing otherwise."""
    if _ARMED is not None and _ARMED == (point, batch_id):
        _kill(point, batch_id, "reached")


if _ARMED is not None and _ARMED[0] not in COMMIT_POINTS:
    observe_steps(fault_point)


def _data_files(table: Path) -> set[str]:
    found = set()
    for folder, subfolders, files in os.walk(table):
        subfolders[:] = [name for name in subfolders if name != "_delta_log"]
        found.update(os.path.join(folder, name) for name in files if name.endswith(".parquet"))
    return found


def _newest_version(log: Path) -> int:
    """The newest commit in a table's log; -1 before the table's first commit (a table its first write creates)."""
    if not log.is_dir():
        return -1
    versions = [int(name[:-5]) for name in os.listdir(log) if name.endswith(".json") and name[:-5].isdigit()]
    return max(versions, default=-1)


def _watch_commit(point: str, batch_id: int, table: Path, checkpoint: Path) -> None:
    planned = checkpoint / "offsets" / str(batch_id)
    done = checkpoint / "commits" / str(batch_id)
    while not planned.exists():
        time.sleep(_POLL_SECONDS)
    before = _data_files(table)
    next_commit = table / "_delta_log" / f"{_newest_version(table / '_delta_log') + 1:020d}.json"
    while not done.exists():
        new = _data_files(table) - before
        if new:
            if next_commit.exists():
                break
            _kill(point, batch_id, f"{len(new)} new data file(s), {next_commit.name} not yet written")
        time.sleep(_POLL_SECONDS)
    _record({"point": point, "batch": batch_id, "fired": False, "missed": True})


def watch_commits(warehouse: Path, checkpoints: Path, streams: str) -> None:
    """Starts the watcher of a commit point when LAKESTREAM_FAULT names one (see the module); does nothing otherwise.
    Call it before the run's streams start."""
    if _ARMED is None or _ARMED[0] not in COMMIT_POINTS:
        return
    point, batch_id = _ARMED
    table = Path(warehouse) / _TABLE_FOLDERS[point]
    checkpoint = Path(checkpoints) / _STREAMS[streams][point]
    threading.Thread(target=_watch_commit, args=(point, batch_id, table, checkpoint), daemon=True).start()
