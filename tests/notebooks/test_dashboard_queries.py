"""Every dataset query of both AI/BI dashboards, run on local Spark over tables the local pipeline built from a known
input, checked against values computed here from that input in plain Python."""

import json
import math
import subprocess
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from medallion.local_lakehouse import LOCAL_CATALOG, run_pipeline

ROOT = Path(__file__).resolve().parents[2]

# Valid events: (event_id, location, event time, temperature, humidity). The newest window in the data is Oslo's
# [2026-01-02 10:05, 10:10), so the 24 hours up to it start at 2026-01-01 10:10: Lima's 10:10 window is in (on the
# boundary), Oslo's and Lima's 10:00 windows are out.
VALID = [
    ("e01", "Oslo", "2026-01-01T10:01:10Z", 1.0, 80.0),
    ("e02", "Lima", "2026-01-01T10:03:00Z", 30.0, 40.0),
    ("e03", "Lima", "2026-01-01T10:12:00Z", 20.0, 50.0),
    ("e04", "Oslo", "2026-01-02T09:58:00Z", -2.0, 70.0),
    ("e05", "Oslo", "2026-01-02T09:58:30Z", -4.0, 72.0),
    ("e06", "Lima", "2026-01-02T09:59:59Z", 18.5, 55.0),
    ("e07", "Lima", "2026-01-02T10:00:00Z", 19.5, 65.0),
    ("e08", "Oslo", "2026-01-02T10:05:00Z", -1.0, 75.0),
    ("e09", "Oslo", "2026-01-02T10:07:45Z", 0.5, 76.0),
    ("e10", "Oslo", "2026-01-02T10:07:50Z", 2.5, 77.0),
]
# Events the pipeline must quarantine, each with a word its reason has to name.
INVALID = [
    ({"event_id": "x01", "location": "Oslo", "timestamp": "2026-01-02T10:06:00Z", "humidity": 70.0}, "temperature"),
    (
        {
            "event_id": "x02",
            "location": "Lima",
            "timestamp": "2026-01-02T10:06:00Z",
            "temperature": 20,
            "humidity": 150,
        },
        "humidity",
    ),
    (
        {
            "event_id": "x03",
            "location": "Lima",
            "timestamp": "2026-01-02T10:06:00Z",
            "temperature": 21,
            "humidity": 101,
        },
        "humidity",
    ),
    # A second e03: valid on its own, quarantined as a duplicate.
    (
        {"event_id": "e03", "location": "Lima", "timestamp": "2026-01-01T10:12:00Z", "temperature": 20, "humidity": 50},
        "duplicate",
    ),
]


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def window_of(moment: datetime) -> datetime:
    """The five-minute window holding a time, counted from the epoch as tumbling windows are."""
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def utc(value: datetime) -> datetime:
    """Spark hands back naive datetimes in the session time zone, which the local session sets to UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def input_lines() -> str:
    lines = []
    for sequence, (event_id, location, moment, temperature, humidity) in enumerate(VALID):
        body = {
            "event_id": event_id,
            "location": location,
            "timestamp": moment,
            "temperature": temperature,
            "humidity": humidity,
        }
        lines.append({"body": json.dumps(body), "enqueuedTime": moment, "sequenceNumber": sequence})
    for offset, (body, _) in enumerate(INVALID):
        lines.append(
            {"body": json.dumps(body), "enqueuedTime": "2026-01-02T10:09:00Z", "sequenceNumber": len(VALID) + offset}
        )
    return "".join(json.dumps(line) + "\n" for line in lines)


@pytest.fixture(scope="module")
def results(spark, tmp_path_factory):
    """Each dashboard's datasets, by name, as lists of row dicts, from the queries as the stack deploys them."""
    work = tmp_path_factory.mktemp("dashboards")
    source = work / "source"
    source.mkdir()
    (source / "events.json").write_text(input_lines())
    schemas = {layer: f"dash_{layer}" for layer in ("bronze", "silver", "gold")}
    run_pipeline(spark, str(source), str(work / "checkpoints"), "update", schemas)
    exported = subprocess.run(
        ["npx", "tsx", "tests/support/exportDashboards.ts", LOCAL_CATALOG, schemas["silver"], schemas["gold"]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    dashboards = json.loads(exported.stdout)
    answers = {}
    for kind, document in dashboards.items():
        answers[kind] = {}
        for dataset in document["datasets"]:
            rows = spark.sql("".join(dataset["queryLines"])).collect()
            answers[kind][dataset["name"]] = [row.asDict() for row in rows]
    return answers


def valid_events():
    return [
        {"location": location, "time": parse(moment), "temperature": temperature, "humidity": humidity}
        for _, location, moment, temperature, humidity in VALID
    ]


def test_each_dashboard_has_the_datasets_its_audience_may_read(results):
    assert set(results["readers"]) == {"newest_window", "temperature_24h", "events_per_window"}
    assert set(results["owners"]) == set(results["readers"]) | {
        "silver_per_minute",
        "quarantine_share",
        "quarantine_reasons",
    }


@pytest.mark.parametrize("kind", ["readers", "owners"])
def test_newest_window_per_location(results, kind):
    by_window = defaultdict(list)
    for event in valid_events():
        by_window[(event["location"], window_of(event["time"]))].append(event)
    expected = {}
    for location in sorted({event["location"] for event in valid_events()}):
        start = max(window for (where, window) in by_window if where == location)
        events = by_window[(location, start)]
        expected[location] = (
            start,
            start + timedelta(minutes=5),
            sum(e["temperature"] for e in events) / len(events),
            sum(e["humidity"] for e in events) / len(events),
            len(events),
        )
    rows = results[kind]["newest_window"]
    assert [row["location"] for row in rows] == sorted(expected)
    for row in rows:
        start, end, temperature, humidity, events = expected[row["location"]]
        assert (utc(row["window_start"]), utc(row["window_end"]), row["events"]) == (start, end, events)
        assert math.isclose(row["temperature"], temperature) and math.isclose(row["humidity"], humidity)
    # The input was written so that the two locations' newest windows differ.
    assert expected["Oslo"][0] != expected["Lima"][0]


@pytest.mark.parametrize("kind", ["readers", "owners"])
def test_average_temperature_over_the_24_hours_up_to_the_newest_window(results, kind):
    events = valid_events()
    newest_end = max(window_of(e["time"]) for e in events) + timedelta(minutes=5)
    since = newest_end - timedelta(hours=24)
    kept = defaultdict(list)
    for event in events:
        if window_of(event["time"]) >= since:
            kept[event["location"]].append(event["temperature"])
    rows = results[kind]["temperature_24h"]
    assert [row["location"] for row in rows] == sorted(kept)
    for row in rows:
        temperatures = kept[row["location"]]
        assert row["events"] == len(temperatures)
        assert math.isclose(row["average_temperature"], sum(temperatures) / len(temperatures))
    # Lima's window on the boundary counts and Oslo's day-old event does not: not just "every event".
    assert len(kept["Lima"]) == 3 and len(kept["Oslo"]) == 5


@pytest.mark.parametrize("kind", ["readers", "owners"])
def test_events_per_window(results, kind):
    counts = Counter((window_of(e["time"]), e["location"]) for e in valid_events())
    expected = [(start, location, counts[(start, location)]) for start, location in sorted(counts)]
    rows = results[kind]["events_per_window"]
    assert [(utc(row["window_start"]), row["location"], row["events"]) for row in rows] == expected


def test_silver_events_per_minute(results):
    counts = Counter(e["time"].replace(second=0) for e in valid_events())
    rows = results["owners"]["silver_per_minute"]
    assert [(utc(row["minute"]), row["events"]) for row in rows] == sorted(counts.items())


def test_quarantine_share(results):
    (row,) = results["owners"]["quarantine_share"]
    assert (row["valid_events"], row["quarantined_events"]) == (len(VALID), len(INVALID))
    assert math.isclose(row["quarantine_share"], len(INVALID) / (len(VALID) + len(INVALID)))


def test_quarantine_reasons(results):
    rows = results["owners"]["quarantine_reasons"]
    assert sum(row["events"] for row in rows) == len(INVALID)
    # Most frequent first: the two out-of-range humidities share one reason.
    for word, count in Counter(word for _, word in INVALID).items():
        matching = [row for row in rows if word in row["reason"]]
        assert sum(row["events"] for row in matching) == count, (word, rows)
    assert rows[0]["events"] == 2 and "humidity" in rows[0]["reason"]
