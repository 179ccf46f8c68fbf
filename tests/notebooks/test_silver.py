"""Silver: parsing, each validation rule at and beyond its bounds, quarantine reasons, bronze = silver + quarantine."""

import json

import pytest
from conftest import at, bronze_frame

from medallion.bronze import lines_to_connector_rows, to_bronze
from medallion.sample import generate_events
from medallion.schema import LINE_SCHEMA
from medallion.silver import (
    DUPLICATE,
    classify_events,
    mark_duplicates,
    quarantined_events,
    valid_events,
    write_silver_batch,
)

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
    # NaN and Infinity are not JSON; Spark's parser accepts them unless told not to.
    "temperature NaN": ('{"temperature": NaN, "humidity": 50, "location": "Oslo"}', "body is not valid JSON"),
    "temperature the text NaN": (body(temperature="NaN"), "temperature must be a number"),
    "location the text NaN": (body(location="NaN"), None),
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
    # Exactly one JSON object: Spark's parser alone reads the first value and ignores the rest.
    "whitespace around the object": (f" \n{body()}\t\r\n ", None),
    "text after the object": (f"{body()} trailing", "body has text after the JSON object"),
    "two objects": (body() + body(), "body has text after the JSON object"),
    "two objects, comma": (f"{body()}, {body()}", "body has text after the JSON object"),
    "closing bracket after": (f"{body()}]", "body has text after the JSON object"),
    "closing brace after": (f"{body()}}}", "body has text after the JSON object"),
    "digest-like text after": (f'{body()}, "0"], ["x"', "body has text after the JSON object"),
    "single quotes": ("{'temperature': 20, 'humidity': 50, 'location': 'Oslo'}", "body is not valid JSON"),
    "single-quoted value": ('{"temperature": 20, "humidity": 50, "location": \'Oslo\'}', "body is not valid JSON"),
    # Location names are trimmed of every Unicode whitespace character; nothing left is a missing location.
    "location a tab": (body(location="\t"), "location is missing"),
    "location a newline": (body(location="\n\r"), "location is missing"),
    "location a no-break space": (body(location="\u00a0"), "location is missing"),
    "location ideographic and em spaces": (body(location="\u3000\u2003\u202f"), "location is missing"),
    # Every body field at and beyond the limits of its Spark type (double, string, timestamp).
    "temperature the largest double": (body(temperature=1.7976931348623157e308), "temperature out of range [-90, 60]"),
    "wind_speed the largest double": (body(wind_speed=1.7976931348623157e308), None),
    "wind_speed beyond double": (
        '{"temperature": 20, "humidity": 50, "location": "Oslo", "wind_speed": 1e309}',
        ("wind_speed must be a finite number"),
    ),
    "precipitation beyond negative double": (
        '{"temperature": 20, "humidity": 50, "location": "Oslo", "precipitation": -1e309}',
        "precipitation must be a finite number",
    ),
    "humidity the smallest subnormal": (body(humidity=5e-324), None),
    "humidity below the smallest subnormal": ('{"temperature": 20, "humidity": 1e-400, "location": "Oslo"}', None),
    "temperature an integer beyond 64 bits": (body(temperature=2**70), "temperature out of range [-90, 60]"),
    "temperature 999 digits": (
        '{"temperature": ' + "9" * 999 + ', "humidity": 50, "location": "Oslo"}',
        "temperature must be a finite number",
    ),
    "temperature 1001 digits (parser limit)": (
        '{"temperature": ' + "9" * 1001 + ', "humidity": 50, "location": "Oslo"}',
        "body is not valid JSON",
    ),
    "temperature negative zero": (body(temperature=-0.0), None),
    "extra field nested 900 deep": (body()[:-1] + ', "x": ' + "[" * 900 + "]" * 900 + "}", None),
    "extra field nested 1100 deep (parser limit)": (
        body()[:-1] + ', "x": ' + "[" * 1100 + "]" * 1100 + "}",
        "body is not valid JSON",
    ),
    "location 1 MiB long": (body(location="L" * 1024 * 1024), None),
    "location with NUL and emoji": (body(location="Os\u0000lo \U0001f327"), None),
    "event_id a lone surrogate": (
        '{"temperature": 20, "humidity": 50, "location": "Oslo", "event_id": "\\ud800"}',
        None,
    ),
    "conditions empty": (body(conditions=""), None),
    "timestamp DateTime.MinValue": (
        body(timestamp="0001-01-01T00:00:00"),
        "timestamp out of range [1900-01-01T00:00:00Z, 9999-12-31T23:59:59.999999Z]",
    ),
    "timestamp just before 1900": (
        body(timestamp="1899-12-31T23:59:59.999999Z"),
        "timestamp out of range [1900-01-01T00:00:00Z, 9999-12-31T23:59:59.999999Z]",
    ),
    "timestamp 1900 in UTC": (body(timestamp="1900-01-01T00:00:00Z"), None),
    "timestamp 1900 east of UTC": (
        body(timestamp="1900-01-01T00:30:00+01:00"),
        "timestamp out of range [1900-01-01T00:00:00Z, 9999-12-31T23:59:59.999999Z]",
    ),
    "timestamp DateTime.MaxValue": (body(timestamp="9999-12-31T23:59:59.9999999"), None),
    "timestamp year 10000": (
        body(timestamp="+10000-01-01T00:00:00Z"),
        "timestamp out of range [1900-01-01T00:00:00Z, 9999-12-31T23:59:59.999999Z]",
    ),
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


def test_every_case_is_written_and_none_stops_the_batch(spark, schemas):
    """The cases above in one batch, written to Delta: a value silver cannot store would fail the whole batch."""
    silver = f"spark_catalog.{schemas['silver']}.weather"
    quarantine = f"spark_catalog.{schemas['silver']}.weather_quarantine"
    names = list(CASES)
    write_silver_batch(bronze_frame(spark, [CASES[name][0] for name in names]), 0, silver, quarantine, "limits")
    written = {names[row["sequenceNumber"]]: None for row in spark.table(silver).select("sequenceNumber").collect()}
    for row in spark.table(quarantine).select("sequenceNumber", "reason").collect():
        assert names[row["sequenceNumber"]] not in written
        written[names[row["sequenceNumber"]]] = row["reason"]
    assert written == {name: expected for name, (_, expected) in CASES.items()}


def test_location_is_trimmed_of_unicode_whitespace_and_put_in_nfc(spark):
    spellings = [" Zürich", "Zu\u0308rich\u00a0", "\tZürich\u3000\n", "\u212bngstr\u00f6m", "\u00c5ngstr\u00f6m"]
    bronze = bronze_frame(spark, [body(location=name) for name in spellings])
    rows = valid_events(classify_events(bronze)).collect()
    by_sequence = {row["sequenceNumber"]: row["location"] for row in rows}
    assert by_sequence == {0: "Zürich", 1: "Zürich", 2: "Zürich", 3: "\u00c5ngstr\u00f6m", 4: "\u00c5ngstr\u00f6m"}


def tables(schemas):
    return f"spark_catalog.{schemas['silver']}.weather", f"spark_catalog.{schemas['silver']}.weather_quarantine"


def ids_and_reasons(spark, silver, quarantine):
    kept = sorted((row["event_id"], row["sequenceNumber"]) for row in spark.table(silver).collect())
    dropped = sorted((row["sequenceNumber"], row["reason"]) for row in spark.table(quarantine).collect())
    return kept, dropped


def test_repeated_event_id_in_one_batch_keeps_the_first_enqueued(spark, schemas):
    silver, quarantine = tables(schemas)
    events = [body(event_id="a", temperature=1), body(event_id="a", temperature=2), body(event_id="a", temperature=3)]
    batch = bronze_frame(spark, events, enqueued=[at("10:00:02"), at("10:00:01"), at("10:00:03")])
    write_silver_batch(batch, 0, silver, quarantine, "dedup")
    assert ids_and_reasons(spark, silver, quarantine) == ([("a", 1)], [(0, DUPLICATE), (2, DUPLICATE)])


def test_only_a_batch_with_a_repeated_event_id_ranks_its_rows(spark):
    """Ranking by id shuffles and sorts the whole batch; a batch whose ids are all distinct has nothing to rank."""

    def plan(event_ids):
        batch = bronze_frame(spark, [body(event_id=event_id) for event_id in event_ids])
        return mark_duplicates(classify_events(batch), None)._jdf.queryExecution().executedPlan().toString()

    assert "Window" not in plan(["a", "b", None, ""])
    assert "Window" in plan(["a", "b", "a"])


def test_repeated_event_id_in_a_later_batch_is_quarantined(spark, schemas):
    silver, quarantine = tables(schemas)
    write_silver_batch(bronze_frame(spark, [body(event_id="a"), body(event_id="b")]), 0, silver, quarantine, "dedup")
    later = bronze_frame(spark, [body(event_id="c"), body(event_id="b"), body(event_id="a", temperature=99)])
    write_silver_batch(later, 1, silver, quarantine, "dedup")
    kept, dropped = ids_and_reasons(spark, silver, quarantine)
    assert kept == [("a", 0), ("b", 1), ("c", 0)]
    # An invalid repeat keeps its own reason; a valid one is a duplicate.
    assert dropped == [(1, DUPLICATE), (2, "temperature out of range [-90, 60]")]


def test_events_without_an_event_id_are_counted_as_they_come(spark, schemas):
    silver, quarantine = tables(schemas)
    events = [body(), body(), body(event_id=None), body(event_id=""), body(event_id=" "), body(event_id="")]
    write_silver_batch(bronze_frame(spark, events), 0, silver, quarantine, "dedup")
    write_silver_batch(bronze_frame(spark, events), 1, silver, quarantine, "dedup")
    assert (spark.table(silver).count(), spark.table(quarantine).count()) == (12, 0)


def test_a_valid_repeat_of_a_quarantined_event_reaches_silver(spark, schemas):
    silver, quarantine = tables(schemas)
    batch = bronze_frame(spark, [body(event_id="a", humidity=101), body(event_id="a"), body(event_id="a")])
    write_silver_batch(batch, 0, silver, quarantine, "dedup")
    assert ids_and_reasons(spark, silver, quarantine) == (
        [("a", 1)],
        [(0, "humidity out of range [0, 100]"), (2, DUPLICATE)],
    )


def test_batch_replayed_after_failing_between_its_writes_finds_the_same_duplicates(spark, schemas, monkeypatch):
    import medallion.silver as module

    silver, quarantine = tables(schemas)
    write_silver_batch(bronze_frame(spark, [body(event_id="a")]), 0, silver, quarantine, "replay")
    batch = bronze_frame(spark, [body(event_id="a"), body(event_id="b"), body(event_id="b"), body(temperature=99)])
    real_valid_events = module.valid_events

    def fail(_classified):
        raise RuntimeError("cluster lost between the quarantine and the silver write")

    monkeypatch.setattr(module, "valid_events", fail)
    with pytest.raises(RuntimeError):
        write_silver_batch(batch, 1, silver, quarantine, "replay")
    monkeypatch.setattr(module, "valid_events", real_valid_events)
    write_silver_batch(batch, 1, silver, quarantine, "replay")
    write_silver_batch(batch, 1, silver, quarantine, "replay")
    kept, dropped = ids_and_reasons(spark, silver, quarantine)
    assert kept == [("a", 0), ("b", 1)]
    assert dropped == [(0, DUPLICATE), (2, DUPLICATE), (3, "temperature out of range [-90, 60]")]


def test_a_batch_failing_for_another_reason_fails_loudly(spark, schemas):
    silver, quarantine = tables(schemas)
    # A silver table whose schema the batch cannot be appended to stands for any failure that is not the data's.
    spark.sql(f"CREATE TABLE {silver} (event_id INT, sequenceNumber STRING) USING DELTA")
    with pytest.raises(Exception, match="(?i)schema|cast|merge"):
        write_silver_batch(bronze_frame(spark, [body(event_id="a")]), 0, silver, quarantine, "loud")
