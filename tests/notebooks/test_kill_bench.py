"""The kill harness's own checks: its table comparison finds a lost, doubled or changed row and ignores only when a
row was read; a fault point kills its whole process group by SIGKILL, only when armed for its batch; the file source's
per-trigger limit is a flag of pipeline:local."""

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from medallion.faults import parse_fault
from medallion.idempotent import write_once
from medallion.local_lakehouse import register_kept_tables

ROOT = Path(__file__).resolve().parents[2]
# The harness imports the benchmarks' shared module from its own folder, as it does when run as a script.
sys.path.insert(0, str(ROOT / "bench"))
_spec = importlib.util.spec_from_file_location("kill_bench", ROOT / "bench" / "kill_bench.py")
kill_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kill_bench)


def _write_lakehouse(spark, path: Path) -> None:
    """A lakehouse folder with the four tables the harness compares, a few rows each."""
    read_at = datetime(2026, 1, 1, 11, 0)
    rows = {
        "bronze": [(b"a", "0", 1, read_at), (b"b", "0", 2, read_at), (b"b", "7", 1, read_at)],
        "silver": [("evt-1", "Oslo", 20.1, read_at), ("evt-2", "Oslo", 21.7, read_at)],
        "quarantine": [("not json", "body is not valid JSON", read_at), ("b", "duplicate event_id", read_at)],
        "gold": [("Oslo", 20.9, 2), ("Lima", 18.25, 1)],
    }
    schemas = {
        "bronze": "body binary, partition string, sequenceNumber long, ingested_at timestamp",
        "silver": "event_id string, location string, temperature double, ingested_at timestamp",
        "quarantine": "body string, reason string, ingested_at timestamp",
        "gold": "location string, temperature double, events long",
    }
    for name, folder in kill_bench.TABLES.items():
        frame = spark.createDataFrame(rows[name], schemas[name])
        frame.write.format("delta").save(str(path / "warehouse" / folder))


@pytest.fixture
def lakehouses(spark, tmp_path):
    reference, candidate = tmp_path / "clean", tmp_path / "killed"
    _write_lakehouse(spark, reference)
    shutil.copytree(reference, candidate)
    return reference, candidate


def _table(candidate: Path, name: str) -> str:
    return f"delta.`{candidate / 'warehouse' / kill_bench.TABLES[name]}`"


def test_equal_copies_compare_equal(spark, lakehouses):
    compared = kill_bench.compare_tables(spark, *lakehouses)
    assert kill_bench.differences(compared) == []
    assert compared["bronze"]["rows"] == 3


def test_a_lost_row_is_found(spark, lakehouses):
    reference, candidate = lakehouses
    spark.sql(f"DELETE FROM {_table(candidate, 'silver')} WHERE event_id = 'evt-2'")
    compared = kill_bench.compare_tables(spark, reference, candidate)
    assert compared["silver"] == {"rows": 1, "reference_rows": 2, "missing": 1, "extra": 0}
    assert kill_bench.differences(compared) == ["silver: 1 row(s) missing, 0 extra (1 rows against the clean run's 2)"]


def test_a_row_written_twice_is_found(spark, lakehouses):
    reference, candidate = lakehouses
    table = _table(candidate, "bronze")
    spark.sql(f"INSERT INTO {table} SELECT * FROM {table} WHERE partition = '7'")
    assert kill_bench.compare_tables(spark, reference, candidate)["bronze"]["extra"] == 1


def test_a_changed_value_is_found_and_the_read_time_ignored(spark, lakehouses):
    reference, candidate = lakehouses
    spark.sql(f"UPDATE {_table(candidate, 'gold')} SET events = 3 WHERE location = 'Oslo'")
    spark.sql(f"UPDATE {_table(candidate, 'quarantine')} SET ingested_at = current_timestamp()")
    # A double's last bits depend on the order of a sum: below 9 digits they are not a difference.
    spark.sql(f"UPDATE {_table(candidate, 'silver')} SET temperature = temperature + 1e-12")
    compared = kill_bench.compare_tables(spark, reference, candidate)
    assert {name: (counts["missing"], counts["extra"]) for name, counts in compared.items()} == {
        "bronze": (0, 0),
        "silver": (0, 0),
        "quarantine": (0, 0),
        "gold": (1, 1),
    }


def test_parse_fault():
    assert parse_fault(None) is None
    assert parse_fault("gold-commit@3") == ("gold-commit", 3)
    for wrong in ("gold@3", "gold-commit", "gold-commit@x", "batch-log@-1"):
        with pytest.raises(ValueError, match="LAKESTREAM_FAULT"):
            parse_fault(wrong)


# The steps as the runtime modules announce them; importing medallion.faults (as the local CLI does) arms the point.
_REACH = """
import sys
import medallion.faults
from medallion.idempotent import step_reached
for batch in range(5):
    step_reached("batch-log", batch)
    step_reached("after-silver", batch)
    print(batch, flush=True)
"""


def _reach(tmp_path, fault: str | None):
    marker = tmp_path / "marker"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "notebooks"), "LAKESTREAM_FAULT_MARKER": str(marker)}
    env.pop("LAKESTREAM_FAULT", None)
    if fault:
        env["LAKESTREAM_FAULT"] = fault
    # A shell in front, as npm starts the pipeline: the kill takes the whole group, the shell too.
    command = ["bash", "-c", f'"{sys.executable}" -c "$0"; echo "shell survived"', _REACH]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, start_new_session=True)
    entries = [json.loads(line) for line in marker.read_text().splitlines()] if marker.exists() else []
    return result, entries


def test_an_armed_point_kills_its_process_group_at_its_batch(tmp_path):
    result, entries = _reach(tmp_path, "after-silver@2")
    assert result.returncode == -signal.SIGKILL
    assert result.stdout.split() == ["0", "1"]
    assert [{**entry, "pid": None} for entry in entries] == [
        {"point": "after-silver", "batch": 2, "fired": True, "seen": "reached", "pid": None}
    ]


def test_an_unarmed_point_does_nothing(tmp_path):
    result, entries = _reach(tmp_path, None)
    assert result.returncode == 0
    assert result.stdout.split() == ["0", "1", "2", "3", "4", "shell", "survived"]
    assert entries == []


def test_files_per_trigger_must_be_a_positive_integer():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "notebooks")}
    for value in ("0", "two"):
        command = [sys.executable, "-m", "medallion.local", "--max-files-per-trigger", value]
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
        assert result.returncode == 2
        assert f"--max-files-per-trigger {value}: must be a positive integer" in result.stderr


def test_a_table_whose_first_commit_was_cut_short_is_created_by_the_resumed_run(spark, schemas, tmp_path):
    """Found by the harness (layered layout, a kill during the quarantine's first commit): the table's folder then
    holds the first write's data files and an empty `_delta_log`, no commit. Registering it as a kept table failed
    every resumed run; it is no table yet, and the resumed run's first write creates it."""
    warehouse = Path(spark.conf.get("spark.sql.warehouse.dir").removeprefix("file:"))
    silver, bronze = f"spark_catalog.{schemas['silver']}.weather", f"spark_catalog.{schemas['bronze']}.weather"
    cut_short = warehouse / f"{schemas['silver']}.db" / "weather"
    spark.range(3).write.parquet(str(tmp_path / "orphan"))
    cut_short.mkdir(parents=True)
    (cut_short / "_delta_log").mkdir()
    for part in (tmp_path / "orphan").glob("part-*.parquet"):
        shutil.copy(part, cut_short / part.name)
    committed = warehouse / f"{schemas['bronze']}.db" / "weather"
    spark.range(2).write.format("delta").save(str(committed))

    register_kept_tables(spark, warehouse, "spark_catalog", schemas)

    assert spark.catalog.tableExists(bronze) and spark.table(bronze).count() == 2
    assert not spark.catalog.tableExists(silver)
    write_once(spark.range(5), silver, "app", 0)
    assert spark.table(silver).count() == 5
