"""The pipeline as streams on local files, in both layouts: append vs update output, restarting from the checkpoints,
repeats after a restart."""

import json
from collections import defaultdict
from datetime import datetime

import pytest

from medallion.local_lakehouse import run_pipeline, summary
from medallion.sample import generate_events, write_lines


def line(moment, location="Oslo", temperature=5.0, partition="0", sequence=0):
    body = json.dumps({"location": location, "temperature": temperature, "humidity": 60.0, "conditions": "Snow"})
    return {"body": body, "enqueuedTime": f"2026-01-01T{moment}Z", "partition": partition, "sequenceNumber": sequence}


# Event times 10:00:30 .. 10:16:00: after the run the watermark is 10:16 - 5 min = 10:11.
TIMELINE = [
    line("10:00:30", temperature=1.0, sequence=1),
    line("10:03:00", temperature=3.0, sequence=2),
    line("10:06:00", temperature=6.0, sequence=3),
    line("10:12:00", temperature=12.0, sequence=4),
    line("10:16:00", temperature=16.0, sequence=5),
    {"body": "{not json", "enqueuedTime": "2026-01-01T10:16:01Z", "partition": "0", "sequenceNumber": 6},
]


@pytest.fixture(params=["single", "layered"])
def streams(request):
    """Every test here runs in both layouts: one stream through all tables, and three chained streams."""
    return request.param


def windows(result):
    return [(row["start"][11:16], row["end"][11:16], row["temperature"], row["events"]) for row in result["gold"]]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        # Update shows every window, the open ones included, as soon as the trigger ran.
        (
            "update",
            [
                ("10:00", "10:05", 2.0, 2),
                ("10:05", "10:10", 6.0, 1),
                ("10:10", "10:15", 12.0, 1),
                ("10:15", "10:20", 16.0, 1),
            ],
        ),
        # Append shows only windows whose end the watermark (10:11) has passed.
        ("append", [("10:00", "10:05", 2.0, 2), ("10:05", "10:10", 6.0, 1)]),
    ],
)
def test_gold_output_modes(spark, schemas, tmp_path, mode, expected, streams):
    source = tmp_path / "source"
    source.mkdir()
    write_lines(TIMELINE, source / "events.json")
    run_pipeline(spark, str(source), str(tmp_path / "checkpoints"), mode, schemas, streams)
    result = summary(spark, schemas)
    assert (result["bronze"], result["silver"], result["quarantine"]) == (6, 5, 1)
    assert windows(result) == expected


def test_restart_from_checkpoints_neither_duplicates_nor_loses_events(spark, schemas, tmp_path, streams):
    events = list(generate_events(400, seed=3, seconds_between=3.0, malformed_every=25))
    source = tmp_path / "source"
    source.mkdir()
    checkpoints = str(tmp_path / "checkpoints")
    write_lines(events[:230], source / "part-1.json")
    run_pipeline(spark, str(source), checkpoints, "update", schemas, streams)
    assert summary(spark, schemas)["bronze"] == 230
    write_lines(events[230:], source / "part-2.json")
    run_pipeline(spark, str(source), checkpoints, "update", schemas, streams)

    result = summary(spark, schemas)
    malformed = sum(1 for index in range(400) if index % 25 == 24)
    assert (result["bronze"], result["silver"], result["quarantine"]) == (400, 400 - malformed, malformed)
    bronze = spark.table(f"spark_catalog.{schemas['bronze']}.weather")
    assert bronze.select("partition", "sequenceNumber").distinct().count() == 400
    # Expected windows computed here from the generated events, independently of the pipeline.
    expected = defaultdict(int)
    for index, event in enumerate(events):
        if index % 25 != 24:
            moment = datetime.fromisoformat(event["enqueuedTime"])
            start = moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)
            expected[(event["partitionKey"], start.strftime("%Y-%m-%dT%H:%M:%SZ"))] += 1
    assert {(row["location"], row["start"]): row["events"] for row in result["gold"]} == dict(expected)


def test_repeats_after_a_restart_are_quarantined_and_counted_once_in_gold(spark, schemas, tmp_path, streams):
    """A producer's re-sends: the same events (same event_id) enqueued again later, in a later run over the same
    checkpoints, and twice within one file. Gold counts each event once; bronze = silver + quarantine."""
    events = list(generate_events(120, seed=5, seconds_between=3.0, malformed_every=0))
    source = tmp_path / "source"
    source.mkdir()
    checkpoints = str(tmp_path / "checkpoints")
    write_lines(events[:80], source / "part-1.json")
    run_pipeline(spark, str(source), checkpoints, "update", schemas, streams)

    def resent(event, sequence):
        return {**event, "partition": "9", "sequenceNumber": sequence}

    # 20 events of the first run re-sent, and the last 40 events each sent twice.
    repeats = [resent(event, index) for index, event in enumerate(events[:20])]
    repeats += [resent(event, 100 + index) for index, event in enumerate(events[80:])]
    write_lines(events[80:] + repeats, source / "part-2.json")
    run_pipeline(spark, str(source), checkpoints, "update", schemas, streams)

    result = summary(spark, schemas)
    assert (result["bronze"], result["silver"], result["quarantine"]) == (180, 120, 60)
    quarantine = spark.table(f"spark_catalog.{schemas['silver']}.weather_quarantine")
    assert {row["reason"] for row in quarantine.collect()} == {"duplicate event_id"}
    # The originals stay in silver: every quarantined copy is one of the re-sent ones (partition 9).
    assert {row["partition"] for row in quarantine.collect()} == {"9"}
    expected = defaultdict(int)
    for event in events:
        moment = datetime.fromisoformat(event["enqueuedTime"])
        start = moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)
        expected[(event["partitionKey"], start.strftime("%Y-%m-%dT%H:%M:%SZ"))] += 1
    assert {(row["location"], row["start"]): row["events"] for row in result["gold"]} == dict(expected)
