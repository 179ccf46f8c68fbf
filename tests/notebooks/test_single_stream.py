"""The single-stream layout against the layered one: the same tables from the same input, late events, a replay after
a failure between silver and gold, and the batch log that keeps gold's watermark."""

import json
from datetime import UTC, datetime

import pytest

import medallion.gold as gold
from medallion.local_lakehouse import run_pipeline, summary
from medallion.sample import MALFORMED_BODIES, generate_events, write_lines
from medallion.single_stream import BatchLog, resume_watermark
from medallion.tables import create_tables


def line(moment, location="Oslo", temperature=5.0, sequence=0, event_id=None):
    body = {"location": location, "temperature": temperature, "humidity": 60.0, "conditions": "Snow"}
    if event_id is not None:
        body["event_id"] = event_id
    return {
        "body": json.dumps(body),
        "enqueuedTime": f"2026-01-01T{moment}Z",
        "partition": "0",
        "sequenceNumber": sequence,
    }


def tables(spark, schemas):
    """Every table's rows, without ingested_at (the time of the run), sorted: what two runs must agree on."""

    def rows(table, drop=("ingested_at",)):
        frame = spark.table(f"spark_catalog.{table}")
        return sorted(tuple(row) for row in frame.drop(*[c for c in drop if c in frame.columns]).collect())

    return {
        "bronze": rows(f"{schemas['bronze']}.weather", ("ingested_at", "properties", "systemProperties")),
        "silver": rows(f"{schemas['silver']}.weather"),
        "quarantine": rows(f"{schemas['silver']}.weather_quarantine"),
        "gold": summary(spark, schemas)["gold"],
    }


def fresh_schemas(spark, prefix):
    names = {layer: f"{prefix}_{layer}" for layer in ("bronze", "silver", "gold")}
    for name in names.values():
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS spark_catalog.{name}")
    return names


def mixed_input(count=700):
    """Generated events with every malformed body of the sample, some repeated event ids and a late event."""
    events = list(generate_events(count, seed=21, seconds_between=2.0, malformed_every=10))
    repeats = [{**event, "partition": "7", "sequenceNumber": index} for index, event in enumerate(events[:15])]
    return events + repeats


@pytest.mark.parametrize("mode", ["update", "append"])
def test_both_layouts_write_the_same_tables(spark, tmp_path, mode):
    source = tmp_path / "source"
    source.mkdir()
    write_lines(mixed_input(), source / "events.json")
    results = {}
    for streams in ("single", "layered"):
        schemas = fresh_schemas(spark, f"same_{mode}_{streams}")
        run_pipeline(spark, str(source), str(tmp_path / f"cp-{streams}"), mode, schemas, streams)
        results[streams] = tables(spark, schemas)
    single, layered = results["single"], results["layered"]
    assert len(single["bronze"]) == 715 and len(single["silver"]) + len(single["quarantine"]) == 715
    reasons = {row[1] for row in single["quarantine"]}
    # The sample's malformed bodies give six reasons (two of them are invalid JSON), and the repeats a seventh.
    assert "duplicate event_id" in reasons and len(reasons) == len(MALFORMED_BODIES)
    assert single["gold"], "gold has windows"
    assert single == layered


@pytest.mark.parametrize("mode", ["update", "append"])
def test_a_late_event_stays_in_silver_and_is_not_counted_in_gold_in_both_layouts(spark, tmp_path, mode):
    """The second run's 10:02 event is late: the first run left the watermark at 10:20 - 5 min = 10:15, after the end
    of its window (10:05). Spark's aggregation drops it; the single stream must drop it too."""
    first = [line("10:00:30", temperature=1.0, sequence=1), line("10:20:00", temperature=20.0, sequence=2)]
    second = [line("10:02:00", temperature=30.0, sequence=3), line("10:21:00", temperature=21.0, sequence=4)]
    results = {}
    for streams in ("single", "layered"):
        schemas = fresh_schemas(spark, f"late_{mode}_{streams}")
        source = tmp_path / f"source-{streams}"
        source.mkdir()
        checkpoints = str(tmp_path / f"cp-{streams}")
        write_lines(first, source / "1.json")
        run_pipeline(spark, str(source), checkpoints, mode, schemas, streams)
        write_lines(second, source / "2.json")
        run_pipeline(spark, str(source), checkpoints, mode, schemas, streams)
        results[streams] = tables(spark, schemas)
    assert len(results["single"]["silver"]) == 4
    gold = {(row["start"][11:16], row["events"], row["temperature"]) for row in results["single"]["gold"]}
    assert ("10:00", 1, 1.0) in gold, "the late event is not counted in its window"
    assert results["single"] == results["layered"]


def test_a_batch_replayed_after_a_failure_between_silver_and_gold_updates_gold_once(spark, tmp_path, monkeypatch):
    events = list(generate_events(300, seed=8, seconds_between=2.0, malformed_every=20))
    source = tmp_path / "source"
    source.mkdir()
    write_lines(events, source / "events.json")
    clean = fresh_schemas(spark, "replay_clean")
    run_pipeline(spark, str(source), str(tmp_path / "cp-clean"), "update", clean, "single")

    failing = fresh_schemas(spark, "replay_failing")
    checkpoints = str(tmp_path / "cp-failing")
    rewrite = gold.rewrite_open_windows

    def fail(*args, **kwargs):
        raise RuntimeError("the cluster was lost before gold's write")

    monkeypatch.setattr(gold, "rewrite_open_windows", fail)
    with pytest.raises(Exception, match="before gold's write"):
        run_pipeline(spark, str(source), checkpoints, "update", failing, "single")
    # Silver committed, gold did not.
    assert spark.table(f"spark_catalog.{failing['silver']}.weather").count() > 0
    assert spark.table(f"spark_catalog.{failing['gold']}.weather_summary").count() == 0

    monkeypatch.setattr(gold, "rewrite_open_windows", rewrite)
    run_pipeline(spark, str(source), checkpoints, "update", failing, "single")
    assert tables(spark, failing) == tables(spark, clean)
    assert summary(spark, failing)["bronze"] == 300


def test_a_batch_skips_reading_silver_only_while_silver_is_as_created(spark, tmp_path):
    """The first batch of a new lakehouse learns from silver's history that it has no rows and records that in its
    entry; the next batch reads silver and finds the first batch's event there."""
    source = tmp_path / "source"
    source.mkdir()
    write_lines([line("10:00:00", event_id="a")], source / "1.json")
    write_lines([line("10:01:00", event_id="a", sequence=1)], source / "2.json")
    schemas = fresh_schemas(spark, "created_silver")
    checkpoints = tmp_path / "cp"
    run_pipeline(spark, str(source), str(checkpoints), "update", schemas, "single", max_files_per_trigger=1)
    log = BatchLog(str(checkpoints / "pipeline" / "weather" / "gold_plans"))
    assert [log.read(0)["silver_empty"], log.read(1)["silver_empty"]] == [True, False]
    reasons = [row["reason"] for row in spark.table(f"spark_catalog.{schemas['silver']}.weather_quarantine").collect()]
    assert reasons == ["duplicate event_id"]


def test_a_table_with_nothing_to_add_in_a_batch_gets_no_commit(spark, tmp_path):
    """A batch of valid events commits nothing to the quarantine, a batch of malformed ones nothing to silver; every
    row is still in exactly one of the two."""
    source = tmp_path / "source"
    source.mkdir()
    write_lines([line("10:00:00", event_id="a"), line("10:00:01", event_id="b", sequence=1)], source / "1.json")
    malformed = [{**line("10:01:00", sequence=2 + index), "body": body} for index, body in enumerate(["{", "[]"])]
    write_lines(malformed, source / "2.json")
    schemas = fresh_schemas(spark, "nothing_to_add")
    run_pipeline(spark, str(source), str(tmp_path / "cp"), "update", schemas, "single", max_files_per_trigger=1)

    def writes(table):
        history = spark.sql(f"DESCRIBE HISTORY spark_catalog.{table}").collect()
        return sorted(row["operation"] for row in history)

    assert writes(f"{schemas['silver']}.weather") == ["CREATE TABLE", "WRITE"]
    assert writes(f"{schemas['silver']}.weather_quarantine") == ["CREATE TABLE", "WRITE"]
    counts = {name: result for name, result in summary(spark, schemas).items() if name != "gold"}
    assert counts == {"bronze": 4, "silver": 2, "quarantine": 2}


def test_the_batch_log_gives_each_batch_its_predecessors_watermark(tmp_path):
    log = BatchLog(str(tmp_path / "plans"))
    assert log.watermark_before(0) == 0
    log.write(0, {"watermark_before_ms": 0, "watermark_ms": 1000, "first_counted": 5})
    log.write(1, {"watermark_before_ms": 1000, "watermark_ms": 4000, "first_counted": None})
    assert log.watermark_before(1) == 1000
    assert log.watermark_before(2) == 4000
    # A gap (a batch without an entry) falls back to the newest earlier entry.
    assert log.watermark_before(7) == 4000
    assert log.read(1)["first_counted"] is None
    assert log.read(2) is None


def test_the_batch_log_keeps_the_last_hundred_entries(tmp_path):
    log = BatchLog(str(tmp_path / "plans"))
    for batch_id in range(130):
        log.write(batch_id, {"watermark_before_ms": batch_id, "watermark_ms": batch_id + 1, "first_counted": None})
    kept = sorted(int(entry.name) for entry in (tmp_path / "plans").iterdir())
    assert kept == list(range(30, 130))
    assert log.watermark_before(130) == 130


def test_the_resume_watermark_is_silvers_newest_event_time_less_five_minutes_and_0_without_rows(spark, schemas):
    create_tables(spark, "spark_catalog", silver_schema=schemas["silver"])
    silver = f"spark_catalog.{schemas['silver']}.weather"
    assert resume_watermark(spark, silver) == 0  # created, never written

    newest = datetime(2026, 1, 1, 10, 20, 0, 500_900, tzinfo=UTC)
    times = [datetime(2026, 1, 1, 10, 0, tzinfo=UTC), newest]
    appended = spark.createDataFrame(
        [(f"e{i}", t) for i, t in enumerate(times)], "event_id string, timestamp timestamp"
    )
    appended.write.format("delta").mode("append").saveAsTable(silver)
    # Milliseconds, as Spark keeps watermarks: 10:20:00.5009 is 10:20:00.500; five minutes is 300,000 ms.
    assert resume_watermark(spark, silver) == 1_767_262_800_500 - 300_000

    spark.sql(f"DELETE FROM {silver}")
    assert resume_watermark(spark, silver) == 0  # written, then emptied: read, and no newest time

    # A table whose first commit wrote its rows is read, not taken for an empty one.
    written = f"spark_catalog.{schemas['gold']}.written_first"
    spark.createDataFrame([("e", newest)], "event_id string, timestamp timestamp").write.format("delta").saveAsTable(
        written
    )
    assert resume_watermark(spark, written) == 1_767_262_800_500 - 300_000
