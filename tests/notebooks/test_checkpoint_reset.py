"""Checkpoint resets lose nothing: after each kind of reset (the single stream's; the layered bronze, silver or gold
stream's), in both gold modes, silver and gold end equal to a run without the reset, and bronze and quarantine grow
only by the repeats the re-read source gave them. An existing checkpoint keeps its old key across the upgrade."""

import hashlib
import json
import shutil
from collections import Counter
from datetime import timedelta

import pytest

import medallion.gold as gold
import medallion.single_stream as single_stream
from medallion.idempotent import KEY_FILE, checkpoint_key
from medallion.local_lakehouse import run_pipeline
from medallion.sample import DEFAULT_START, generate_events, iso, write_lines

DUPLICATE = "duplicate event_id"
# Where each kind of reset deletes: the single stream's checkpoint, or one layered stream's.
RESET_FOLDERS = {"single": "pipeline/weather", "bronze": "bronze/weather", "silver": "silver/weather"}
RESET_FOLDERS["gold"] = "gold/weather_summary"


def first_part():
    """32 minutes of events (one every 8 s) with malformed bodies and 10 repeated event ids on another partition."""
    events = list(generate_events(240, seed=5, seconds_between=8.0, malformed_every=12))
    repeats = [{**event, "partition": "7", "sequenceNumber": index} for index, event in enumerate(events[:10])]
    return events + repeats


def second_part():
    """Events from minute 40 on, and one event at minute 2 whose window the first part's watermark has closed; their
    sequence numbers follow the first part's, as a hub's would."""
    generated = generate_events(60, seed=6, start=DEFAULT_START + timedelta(minutes=40), malformed_every=15)
    later = [{**event, "sequenceNumber": event["sequenceNumber"] + 1000} for event in generated]
    late_body = {"event_id": "late-1", "location": "Oslo", "temperature": 30.0, "humidity": 50.0}
    late = {
        "body": json.dumps(late_body),
        "enqueuedTime": iso(DEFAULT_START + timedelta(minutes=2)),
        "partition": "8",
        "sequenceNumber": 1,
    }
    return [*later, late]


def key(row) -> tuple:
    return (str(row["partition"]), int(row["sequenceNumber"]))


def fingerprint(row: dict) -> str:
    """A row's values except the time it was ingested, floats to 9 digits (a sum's last bits depend on its order)."""
    values = {
        name: round(value, 9) if isinstance(value, float) else value
        for name, value in row.items()
        if name != "ingested_at"
    }
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def read_tables(spark, schemas) -> dict:
    def rows(table):
        return [row.asDict() for row in spark.table(f"spark_catalog.{table}").collect()]

    return {
        "bronze": rows(f"{schemas['bronze']}.weather"),
        "silver": rows(f"{schemas['silver']}.weather"),
        "quarantine": rows(f"{schemas['silver']}.weather_quarantine"),
        "gold": rows(f"{schemas['gold']}.weather_summary"),
    }


def fingerprints(rows) -> Counter:
    return Counter(fingerprint(row) for row in rows)


def new_schemas(spark, prefix):
    names = {layer: f"{prefix}_{layer}" for layer in ("bronze", "silver", "gold")}
    for name in names.values():
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS spark_catalog.{name}")
    return names


_clean_runs = {}


def clean_run(spark, tmp_path_factory, mode) -> dict:
    """The run without a reset, in the single stream: the first part, then the second part added and run again. Both
    layouts write the same tables (test_single_stream), so it is the reference for every reset of its gold mode, and
    each layered reset compared with it also checks that the layouts agree after a reset."""
    if mode not in _clean_runs:
        folder = tmp_path_factory.mktemp(f"clean-{mode}")
        source = folder / "source"
        source.mkdir()
        schemas = new_schemas(spark, f"clean_{mode}")
        write_lines(first_part(), source / "1.json")
        run_pipeline(spark, str(source), str(folder / "cp"), mode, schemas, "single")
        write_lines(second_part(), source / "2.json")
        run_pipeline(spark, str(source), str(folder / "cp"), mode, schemas, "single")
        _clean_runs[mode] = read_tables(spark, schemas)
    return _clean_runs[mode]


def repeats_of_the_first_part(clean: dict) -> dict:
    """What a re-read of the first part adds, computed from the clean run's rows and the input alone: bronze gets each
    of its rows again; quarantine gets each of its quarantined rows again, and each of its silver rows as a
    duplicate (the body as sent, the reason, where it came from)."""
    first = {key(line): line for line in first_part()}
    quarantine = [(row["body"], row["reason"], key(row)) for row in clean["quarantine"] if key(row) in first] + [
        (first[key(row)]["body"], DUPLICATE, key(row)) for row in clean["silver"] if key(row) in first
    ]
    return {"bronze": [row for row in clean["bronze"] if key(row) in first], "quarantine": quarantine}


def quarantine_view(rows):
    return Counter((row["body"], row["reason"], key(row)) for row in rows)


CASES = [("single", "single"), ("layered", "bronze"), ("layered", "silver"), ("layered", "gold")]


@pytest.mark.parametrize("mode", ["update", "append"])
@pytest.mark.parametrize(("streams", "reset"), CASES)
def test_a_checkpoint_reset_keeps_silver_and_gold_equal_to_a_run_without_it(
    spark, tmp_path, tmp_path_factory, streams, reset, mode
):
    clean = clean_run(spark, tmp_path_factory, mode)
    source = tmp_path / "source"
    source.mkdir()
    checkpoints = tmp_path / "cp"
    schemas = new_schemas(spark, f"reset_{reset}_{mode}")
    write_lines(first_part(), source / "1.json")
    run_pipeline(spark, str(source), str(checkpoints), mode, schemas, streams)

    shutil.rmtree(checkpoints / RESET_FOLDERS[reset])
    if reset == "gold":
        # The layered gold's procedure: gold is rebuilt from silver, so its rows go with its checkpoint, and the
        # rebuild runs before new events arrive (docs/operations.md).
        spark.sql(f"DELETE FROM spark_catalog.{schemas['gold']}.weather_summary")
        run_pipeline(spark, str(source), str(checkpoints), mode, schemas, streams)
    write_lines(second_part(), source / "2.json")
    run_pipeline(spark, str(source), str(checkpoints), mode, schemas, streams)
    after = read_tables(spark, schemas)

    assert fingerprints(after["silver"]) == fingerprints(clean["silver"])
    assert fingerprints(after["gold"]) == fingerprints(clean["gold"])
    assert any(row["event_id"] == "late-1" for row in after["silver"])
    assert len(clean["gold"]) > 10
    repeats = repeats_of_the_first_part(clean)
    if reset in ("single", "bronze"):
        # The re-read source gave bronze the first part again: its raw repeats stay, as bronze keeps what it read.
        assert fingerprints(after["bronze"]) == fingerprints(clean["bronze"]) + fingerprints(repeats["bronze"])
    else:
        assert fingerprints(after["bronze"]) == fingerprints(clean["bronze"])
    if reset in ("single", "bronze", "silver"):
        expected = quarantine_view(clean["quarantine"]) + Counter(repeats["quarantine"])
        assert quarantine_view(after["quarantine"]) == expected
        assert Counter(row["reason"] for row in after["quarantine"])[DUPLICATE] >= 240
    else:
        assert fingerprints(after["quarantine"]) == fingerprints(clean["quarantine"])


def test_an_upgraded_checkpoint_keeps_its_path_key_so_a_batch_in_flight_is_not_written_again(
    spark, tmp_path, monkeypatch
):
    """A checkpoint made before the key file existed, whose batch failed after silver's write and before gold's:
    the upgraded stream replays that batch under the path key its writes used, and Delta skips them."""
    source = tmp_path / "source"
    source.mkdir()
    write_lines(first_part(), source / "1.json")
    clean = new_schemas(spark, "upgrade_clean")
    run_pipeline(spark, str(source), str(tmp_path / "cp-clean"), "update", clean, "single")

    upgraded = new_schemas(spark, "upgrade_old")
    checkpoints = tmp_path / "cp"
    # Yesterday's code: the key was the checkpoint's path, and no key file was written.
    monkeypatch.setattr(single_stream, "checkpoint_key", lambda _spark, checkpoint: checkpoint)
    rewrite = gold.rewrite_open_windows

    def fail(*_args, **_kwargs):
        raise RuntimeError("the cluster was lost before gold's write")

    monkeypatch.setattr(gold, "rewrite_open_windows", fail)
    with pytest.raises(Exception, match="before gold's write"):
        run_pipeline(spark, str(source), str(checkpoints), "update", upgraded, "single")
    assert not (checkpoints / "pipeline/weather" / KEY_FILE).exists()
    assert spark.table(f"spark_catalog.{upgraded['silver']}.weather").count() > 0

    monkeypatch.setattr(gold, "rewrite_open_windows", rewrite)
    monkeypatch.setattr(single_stream, "checkpoint_key", checkpoint_key)
    run_pipeline(spark, str(source), str(checkpoints), "update", upgraded, "single")
    key_file = json.loads((checkpoints / "pipeline/weather" / KEY_FILE).read_text())
    assert key_file == {"txnAppId": str(checkpoints / "pipeline/weather")}
    before, after = read_tables(spark, clean), read_tables(spark, upgraded)
    for table in ("bronze", "silver", "quarantine", "gold"):
        assert fingerprints(after[table]) == fingerprints(before[table]), table


def test_a_new_checkpoint_gets_a_key_of_its_own_that_its_restarts_keep(spark, tmp_path):
    checkpoint = str(tmp_path / "pipeline" / "weather")
    first = checkpoint_key(spark, checkpoint)
    assert first.startswith(f"{checkpoint}#") and len(first) > len(checkpoint) + 30
    assert checkpoint_key(spark, checkpoint) == first
    shutil.rmtree(tmp_path / "pipeline")
    assert checkpoint_key(spark, checkpoint) not in (first, checkpoint)


def test_a_checkpoint_with_batches_and_no_key_file_keeps_its_path(spark, tmp_path):
    checkpoint = tmp_path / "silver" / "weather"
    (checkpoint / "offsets").mkdir(parents=True)
    (checkpoint / "offsets" / "0").write_text("v1\n{}\n")
    assert checkpoint_key(spark, str(checkpoint)) == str(checkpoint)
    assert json.loads((checkpoint / KEY_FILE).read_text()) == {"txnAppId": str(checkpoint)}
