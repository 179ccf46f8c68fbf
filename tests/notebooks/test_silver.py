"""Silver: parsing, each validation rule at and beyond its bounds, quarantine reasons, bronze = silver + quarantine."""

import json

import pytest
from conftest import at, bronze_frame

from medallion.bronze import lines_to_connector_rows, to_bronze
from medallion.sample import generate_events
from medallion.schema import LINE_SCHEMA
from medallion.silver import classify_events, quarantined_events, valid_events, write_silver_batch

VALID = {"temperature": 20.0, "humidity": 50.0, "location": "Seattle", "wind_speed": 3.0, "precipitation": 0.0}


def body(**changes):
    """A valid body with some fields changed; a value of ... removes the field."""
    fields = {**VALID, **changes}
    return json.dumps({key: value for key, value in fields.items() if value is not ...})


# (body, expected reason or None when valid): the bounds are inclusive.
CASES = {
    "temperature at -90": (body(temperature=-90), None),
    "temperature below -90": (body(temperature=-90.1), "temperature out of range [-90, 60]"),
    "temperature at 60": (body(temperature=60), None),
    "temperature above 60": (body(temperature=60.1), "temperature out of range [-90, 60]"),
    "humidity at 0": (body(humidity=0), None),
    "humidity below 0": (body(humidity=-0.1), "humidity out of range [0, 100]"),
    "humidity at 100": (body(humidity=100), None),
    "humidity above 100": (body(humidity=100.1), "humidity out of range [0, 100]"),
    "wind_speed at 0": (body(wind_speed=0), None),
    "wind_speed below 0": (body(wind_speed=-0.1), "wind_speed must be >= 0"),
    "precipitation at 0": (body(precipitation=0), None),
    "precipitation below 0": (body(precipitation=-0.1), "precipitation must be >= 0"),
    "optional fields absent": (body(wind_speed=..., precipitation=...), None),
    "temperature missing": (body(temperature=...), "temperature is missing"),
    "temperature null": (body(temperature=None), "temperature is missing"),
    "humidity missing": (body(humidity=...), "humidity is missing"),
    "location missing": (body(location=...), "location is missing"),
    "location blank": (body(location="  "), "location is missing"),
    "all required missing": ("{}", "location is missing; temperature is missing; humidity is missing"),
    "temperature a word": (body(temperature="hot"), "temperature must be a number"),
    "temperature a numeric string": (body(temperature="20"), "temperature must be a number"),
    "humidity a boolean": (body(humidity=True), "humidity must be a number"),
    "wind_speed an object": (body(wind_speed={"value": 3}), "wind_speed must be a number"),
    "location a number": (body(location=5), "location must be a string"),
    "location an array": (body(location=["Seattle"]), "location must be a string"),
    "conditions an object": (body(conditions={"sky": "clear"}), "conditions must be a string"),
    "temperature NaN": (
        '{"temperature": NaN, "humidity": 50, "location": "Oslo"}',
        "temperature must be a finite number",
    ),
    "two rules broken": (
        body(temperature=61, humidity=-1),
        "temperature out of range [-90, 60]; humidity out of range [0, 100]",
    ),
    "timestamp not ISO 8601": (body(timestamp="yesterday"), "timestamp is not an ISO 8601 timestamp"),
    "not JSON": ("sunny and warm", "body is not valid JSON"),
    "truncated object": ('{"temperature": 20, "humidity": 50', "body is not valid JSON"),
    "JSON array": ("[20, 50]", "body is not a JSON object"),
    "JSON array of objects": (f"[{body()}]", "body is not a JSON object"),
    "JSON number": ("42", "body is not a JSON object"),
    "JSON string": ('"Seattle"', "body is not a JSON object"),
    "JSON null": ("null", "body is not a JSON object"),
    "empty body": ("", "body is empty"),
    "no body": (None, "body is empty"),
}


@pytest.fixture(scope="module")
def reasons(spark):
    """Classifies every case in one Spark job; maps case name to the reason found."""
    names = list(CASES)
    rows = classify_events(bronze_frame(spark, [CASES[name][0] for name in names])).collect()
    return {names[row["sequenceNumber"]]: row["reason"] for row in rows}


@pytest.mark.parametrize("case", list(CASES))
def test_validation_rule(reasons, case):
    assert reasons[case] == CASES[case][1]


def test_valid_event_is_typed_with_enqueued_time_and_lineage(spark):
    event = body(
        event_id="e-1", timestamp="2026-01-01T09:59:58Z", conditions="Rain", wind_direction="NW", location=" Oslo "
    )
    bronze = bronze_frame(spark, [event], enqueued=[at("10:00:01")])
    [row] = valid_events(classify_events(bronze)).collect()
    assert row.asDict() == {
        "event_id": "e-1",
        "location": "Oslo",
        "timestamp": at("10:00:01").replace(tzinfo=None),
        "event_timestamp": at("09:59:58").replace(tzinfo=None),
        "temperature": 20.0,
        "humidity": 50.0,
        "wind_speed": 3.0,
        "precipitation": 0.0,
        "conditions": "Rain",
        "wind_direction": "NW",
        "partition": "0",
        "offset": "0",
        "sequenceNumber": 0,
        "ingested_at": at("11:00:00").replace(tzinfo=None),
    }


def test_missing_enqueued_time_is_quarantined(spark):
    bronze = bronze_frame(spark, [body()], enqueued=[None])
    [row] = quarantined_events(classify_events(bronze)).collect()
    assert row["reason"] == "enqueuedTime is missing"


def test_quarantine_keeps_raw_body_reason_and_origin(spark):
    bronze = bronze_frame(spark, [body(), "oops {"])
    [row] = quarantined_events(classify_events(bronze)).collect()
    assert (row["body"], row["reason"], row["partition"], row["offset"], row["sequenceNumber"]) == (
        "oops {",
        "body is not valid JSON",
        "0",
        "100",
        1,
    )


def test_every_bronze_row_lands_in_exactly_one_of_silver_and_quarantine(spark):
    events = list(generate_events(600, seed=7, malformed_every=9))
    lines = spark.createDataFrame([json.dumps(event) for event in events], "string")
    bronze = to_bronze(lines_to_connector_rows(spark.read.schema(LINE_SCHEMA).json(lines.rdd.map(lambda r: r[0]))))
    classified = classify_events(bronze).cache()
    silver_keys = {(r["partition"], r["sequenceNumber"]) for r in valid_events(classified).collect()}
    quarantine_keys = {(r["partition"], r["sequenceNumber"]) for r in quarantined_events(classified).collect()}
    bronze_keys = {(e["partition"], e["sequenceNumber"]) for e in events}
    malformed = {(e["partition"], e["sequenceNumber"]) for i, e in enumerate(events) if i % 9 == 8}
    assert silver_keys.isdisjoint(quarantine_keys)
    assert silver_keys | quarantine_keys == bronze_keys
    assert quarantine_keys == malformed
    assert len(bronze_keys) == 600


def test_silver_batch_replayed_is_written_once(spark, schemas):
    silver = f"spark_catalog.{schemas['silver']}.weather"
    quarantine = f"spark_catalog.{schemas['silver']}.weather_quarantine"
    batch = bronze_frame(spark, [body(), body(temperature=99), body(location="Oslo")])
    for _ in range(2):
        write_silver_batch(batch, 0, silver, quarantine, "test-app")
    assert sorted(r["location"] for r in spark.table(silver).collect()) == ["Oslo", "Seattle"]
    assert [r["reason"] for r in spark.table(quarantine).collect()] == ["temperature out of range [-90, 60]"]
    write_silver_batch(batch, 1, silver, quarantine, "test-app")
    assert spark.table(silver).count() == 4
