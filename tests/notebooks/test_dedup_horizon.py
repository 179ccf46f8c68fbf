"""The duplicate check's time bound: re-sends inside RESEND_HORIZON are caught, later ones are counted twice, a hub
redelivery is caught whatever silver's size and age, and the check reads only silver's files inside the bound."""

import json
from datetime import timedelta

import pytest
from conftest import at, bronze_frame
from pyspark.sql import functions as F

from medallion.local_lakehouse import run_pipeline
from medallion.sample import write_lines
from medallion.silver import DUPLICATE, RESEND_HORIZON, classify_events, mark_duplicates, write_silver_batch

VALID = {"temperature": 20.0, "humidity": 50.0, "location": "Seattle"}
MICROSECOND = timedelta(microseconds=1)
DAY = timedelta(days=1)


def body(event_id, **changes):
    return json.dumps({**VALID, "event_id": event_id, **changes})


def tables(schemas):
    return f"spark_catalog.{schemas['silver']}.weather", f"spark_catalog.{schemas['silver']}.weather_quarantine"


def silver_ids(spark, silver):
    return sorted(row["event_id"] for row in spark.table(silver).collect())


def quarantined(spark, quarantine):
    return sorted((json.loads(row["body"])["event_id"], row["reason"]) for row in spark.table(quarantine).collect())


def test_the_horizon_covers_the_producers_longest_retry_window():
    # src/producer/sender.ts: up to 20 re-sends (--max-retries 0..20), 30 s per attempt, at most 8 s of backoff.
    longest_resend = 21 * timedelta(seconds=30) + 20 * timedelta(seconds=8)
    assert RESEND_HORIZON >= 4 * longest_resend


@pytest.mark.parametrize(
    ("resent_after", "caught"),
    [
        (timedelta(minutes=13), True),  # the sender's longest retry window
        (RESEND_HORIZON, True),  # the bound itself is inside
        (RESEND_HORIZON + MICROSECOND, False),
        (timedelta(hours=3), False),
    ],
)
def test_a_resend_is_caught_inside_the_horizon_and_counted_twice_beyond_it(spark, schemas, resent_after, caught):
    silver, quarantine = tables(schemas)
    first = at("10:00:00")
    write_silver_batch(bronze_frame(spark, [body("a")], enqueued=[first]), 0, silver, quarantine, "horizon")
    resent = bronze_frame(spark, [body("a"), body("b")], enqueued=[first + resent_after] * 2)
    write_silver_batch(resent, 1, silver, quarantine, "horizon")
    if caught:
        assert (silver_ids(spark, silver), quarantined(spark, quarantine)) == (["a", "b"], [("a", DUPLICATE)])
    else:
        assert (silver_ids(spark, silver), quarantined(spark, quarantine)) == (["a", "a", "b"], [])


def write_days(spark, silver, quarantine, days, per_day=20):
    """Silver as the stream leaves it: one time-ordered append per day from 2026-01-01, event ids `d<day>-<n>`."""
    for day in range(days):
        moments = [at("10:00:00") + day * DAY + timedelta(minutes=n) for n in range(per_day)]
        batch = bronze_frame(spark, [body(f"d{day}-{n}") for n in range(per_day)], enqueued=moments)
        write_silver_batch(batch.repartition(2), day, silver, quarantine, "days")


@pytest.mark.parametrize("days", [1, 5])
def test_a_redelivery_is_caught_whatever_silver_holds(spark, schemas, days):
    """The hub delivering events again (a reset checkpoint) keeps their enqueuedTime: the oldest and the newest are
    found, beside a new event."""
    silver, quarantine = tables(schemas)
    write_days(spark, silver, quarantine, days)
    last = days - 1
    again = [body("d0-0"), body(f"d{last}-19"), body("new")]
    moments = [at("10:00:00"), at("10:19:00") + last * DAY, at("10:30:00") + last * DAY]
    write_silver_batch(bronze_frame(spark, again, enqueued=moments), days, silver, quarantine, "days")
    assert quarantined(spark, quarantine) == sorted([("d0-0", DUPLICATE), (f"d{last}-19", DUPLICATE)])
    assert spark.table(silver).count() == days * 20 + 1


def files_read(frame) -> int:
    """Files the scans of `frame`'s last execution read (Spark's `numFiles` metric of each file scan)."""
    total = 0
    pending = [frame._jdf.queryExecution().executedPlan()]
    while pending:
        node = pending.pop()
        if node.nodeName().startswith("Scan"):
            metric = node.metrics().get("numFiles")
            if metric.isDefined():
                total += metric.get().value()
        children = node.children()
        pending.extend(children.apply(index) for index in range(children.size()))
    return total


def test_the_check_reads_only_silvers_files_inside_the_horizon(spark, schemas):
    silver, quarantine = tables(schemas)
    write_days(spark, silver, quarantine, 6)
    newest = at("10:40:00") + 5 * DAY  # day 5's last event (d5-19) is 21 minutes earlier
    # The bound is set by the valid events only: an invalid row enqueued on day 0, a row without enqueuedTime and a
    # body whose own timestamp is years old do not widen it.
    batch = bronze_frame(
        spark,
        [body("d5-19"), body("fresh", timestamp="2020-01-01T00:00:00Z"), body("old", temperature=99), body("x")],
        enqueued=[newest, newest, at("10:00:00"), None],
    )
    marked = mark_duplicates(classify_events(batch), spark.table(silver))
    reasons = {row["sequenceNumber"]: row["reason"] for row in marked.collect()}
    assert (reasons[0], reasons[1]) == (DUPLICATE, None)
    files = spark.table(silver).select(F.input_file_name().alias("file"), "timestamp")
    every_file = files.select("file").distinct().count()
    inside = files.where(F.col("timestamp") >= newest - RESEND_HORIZON).select("file").distinct().count()
    assert every_file >= 12 and 0 < inside < every_file
    assert files_read(marked) == inside


@pytest.mark.parametrize("streams", ["layered", "single"])
def test_both_layouts_apply_the_horizon(spark, tmp_path, streams):
    """Three scheduled runs over one checkpoint, one new file each: a re-send 40 minutes after its first copy is a
    duplicate, one 3 hours after is counted twice."""
    schemas = {layer: f"horizon_{streams}_{layer}" for layer in ("bronze", "silver", "gold")}
    source = tmp_path / "source"
    source.mkdir()
    files = [[("a", "10:00:00"), ("b", "10:00:00")], [("a", "10:40:00")], [("b", "13:00:00")]]
    for run, events in enumerate(files):
        lines = [
            {"body": body(event_id), "enqueuedTime": f"2026-01-01T{moment}Z", "partition": "0", "sequenceNumber": n}
            for n, (event_id, moment) in enumerate(events)
        ]
        write_lines(lines, source / f"{run}.json")
        run_pipeline(spark, str(source), str(tmp_path / "checkpoints"), "update", schemas, streams)
    silver, quarantine = tables(schemas)
    assert (silver_ids(spark, silver), quarantined(spark, quarantine)) == (["a", "b", "b"], [("a", DUPLICATE)])
    assert spark.table(f"spark_catalog.{schemas['bronze']}.weather").count() == 4
