"""The local source's pre-Spark check: each line field at and beyond its limits, and agreement with Spark."""

import json

import pytest

from medallion.bronze import read_connector_lines, to_bronze
from medallion.lines import MAX_TEXT_BYTES, InputError, check_line, check_lines, iso_micros

GOOD = {"body": '{"temperature": 20}', "enqueuedTime": "2026-01-01T10:00:00Z"}


def line(**changes):
    """A good line with some fields changed; a value of ... removes the field."""
    fields = {**GOOD, **changes}
    return json.dumps({key: value for key, value in fields.items() if value is not ...})


# Lines the check accepts; each is also read by Spark below, which must not fail on any of them.
ACCEPTED = {
    "only the required fields": line(),
    "every field": line(
        partition="1",
        offset="4096",
        sequenceNumber=7,
        publisher="p",
        partitionKey="Oslo",
        properties={"a": "b", "n": None},
        systemProperties={"x-opt-sequence-number": "7"},
    ),
    # The fields `npm run produce -- --out` writes (src/producer/connectorLines.ts), in its order.
    "a line of produce --out": json.dumps(
        {
            "body": '{"event_id": "e1", "temperature": 20, "humidity": 50, "location": "Oslo"}',
            "enqueuedTime": "2026-01-01T10:00:00.000Z",
            "partition": "1",
            "partitionKey": "Oslo",
            "offset": "0",
            "sequenceNumber": 0,
        }
    ),
    # The maps as bronze gives them to a line without them, and as the connector gives them for a keyed event.
    "the maps as the connector gives them": line(
        partitionKey="Oslo",
        publisher="station-7",
        properties={},
        systemProperties={"x-opt-partition-key": "Oslo", "x-opt-publisher": "station-7"},
    ),
    "optional fields null": line(partition=None, sequenceNumber=None, properties=None, systemProperties=None),
    "sequenceNumber the largest long": line(sequenceNumber=2**63 - 1),
    "sequenceNumber the smallest long": line(sequenceNumber=-(2**63)),
    "enqueuedTime at 1900 in UTC": line(enqueuedTime="1900-01-01T00:00:00Z"),
    "enqueuedTime west of UTC on 1899-12-31": line(enqueuedTime="1899-12-31T23:30:00-00:30"),
    "enqueuedTime the last microsecond of 9999": line(enqueuedTime="9999-12-31T23:59:59.999999Z"),
    "enqueuedTime with nanoseconds": line(enqueuedTime="2026-01-01T10:00:00.123456789Z"),
    "enqueuedTime without a zone (UTC)": line(enqueuedTime="2026-01-01T10:00:00"),
    "enqueuedTime at +18:00": line(enqueuedTime="2026-01-01T10:00:00+18:00"),
    "enqueuedTime at -18:00": line(enqueuedTime="2026-01-01T10:00:00-18:00"),
    "body of 1 MiB": line(body="b" * MAX_TEXT_BYTES),
    "body not JSON (silver quarantines it)": line(body="{'single': quotes} and more"),
    "body with emoji and NUL": line(body='{"location": "Os\u0000lo \U0001f327"}'),
    "partitionKey with a valid surrogate pair escape": '{"body": "{}", "enqueuedTime": "2026-01-01T10:00:00Z", '
    '"partitionKey": "\\ud83c\\udf27"}',
}

# (line, what the message says): every one would fail in Spark, lose the field, or is something Event Hubs never sends.
REJECTED = {
    "not JSON": ("{not json", "not a JSON object"),
    "a JSON array": ("[1, 2]", "not a JSON object (got a JSON array)"),
    "unknown field": (line(enqueuedtime="2026-01-01T10:00:00Z"), 'unknown field "enqueuedtime"'),
    "body missing": (line(body=...), '"body" must be a string holding the event (got null)'),
    "body an object": (line(body={"temperature": 20}), '"body" must be a string holding the event (got object)'),
    "body beyond 1 MiB": (line(body="b" * (MAX_TEXT_BYTES + 1)), '"body" is 1048577 bytes'),
    "body a lone surrogate": (
        '{"body": "\\ud800", "enqueuedTime": "2026-01-01T10:00:00Z"}',
        '"body" is not valid Unicode text',
    ),
    "enqueuedTime missing": (line(enqueuedTime=...), '"enqueuedTime" is missing'),
    "enqueuedTime a number": (line(enqueuedTime=1767261600), '"enqueuedTime" must be a string'),
    "enqueuedTime not a time": (line(enqueuedTime="soon"), '"enqueuedTime" is not an ISO 8601 time'),
    "enqueuedTime without seconds": (line(enqueuedTime="2026-01-01T10:00Z"), "is not an ISO 8601 time"),
    "enqueuedTime a date": (line(enqueuedTime="2026-01-01"), "is not an ISO 8601 time"),
    "enqueuedTime basic format": (line(enqueuedTime="20260101T100000Z"), "is not an ISO 8601 time"),
    "enqueuedTime lowercase z": (line(enqueuedTime="2026-01-01T10:00:00z"), "is not an ISO 8601 time"),
    "enqueuedTime February 30": (line(enqueuedTime="2026-02-30T10:00:00Z"), "is not an ISO 8601 time"),
    "enqueuedTime year 0": (line(enqueuedTime="0000-01-01T00:00:00Z"), "is not an ISO 8601 time"),
    "enqueuedTime offset beyond 18 hours": (line(enqueuedTime="2026-01-01T10:00:00+18:01"), "is not an ISO 8601"),
    "enqueuedTime non-ASCII digits": (line(enqueuedTime="٢٠٢٦-01-01T10:00:00Z"), "is not an ISO 8601 time"),
    "enqueuedTime DateTime.MinValue": (
        line(enqueuedTime="0001-01-01T00:00:00"),
        '"enqueuedTime" 0001-01-01T00:00:00 is outside [1900-01-01T00:00:00Z, 9999-12-31T23:59:59.999999Z]',
    ),
    "enqueuedTime a microsecond before 1900": (line(enqueuedTime="1899-12-31T23:59:59.999999Z"), "is outside"),
    "enqueuedTime 1900 east of UTC": (line(enqueuedTime="1900-01-01T00:30:00+01:00"), "is outside"),
    "enqueuedTime past 9999 in UTC": (line(enqueuedTime="9999-12-31T23:59:59-01:00"), "is outside"),
    "sequenceNumber beyond 64 bits": (line(sequenceNumber=2**63), '"sequenceNumber" must be a 64-bit integer'),
    "sequenceNumber below 64 bits": (line(sequenceNumber=-(2**63) - 1), '"sequenceNumber" must be a 64-bit integer'),
    "sequenceNumber 1500 digits": (line(sequenceNumber=10**1500), "(1501 characters)"),
    "sequenceNumber 5000 digits": (line(body="{}")[:-1] + ', "sequenceNumber": ' + "7" * 5000 + "}", "too long"),
    "sequenceNumber a string": (line(sequenceNumber="7"), "\"sequenceNumber\" must be an integer (got string '7')"),
    "sequenceNumber a float": (line(sequenceNumber=7.0), '"sequenceNumber" must be an integer (got number 7.0)'),
    "sequenceNumber a boolean": (line(sequenceNumber=True), '"sequenceNumber" must be an integer (got boolean'),
    "sequenceNumber NaN": (line(body="{}")[:-1] + ', "sequenceNumber": NaN}', '"sequenceNumber" must be an integer'),
    "partition a number": (line(partition=0), '"partition" must be a string (got number 0)'),
    "offset an object": (line(offset={"value": 1}), '"offset" must be a string (got object'),
    "partitionKey beyond 1 MiB": (line(partitionKey="k" * (MAX_TEXT_BYTES + 1)), '"partitionKey" is 1048577 bytes'),
    "properties an array": (line(properties=["a"]), '"properties" must be an object of strings (got array)'),
    "properties a number value": (line(properties={"a": 1}), '"properties.a" must be a string (got number)'),
    "systemProperties a string": (line(systemProperties="x"), '"systemProperties" must be an object of strings'),
    "systemProperties a number value": (
        line(systemProperties={"x-opt-partition-key": 7}),
        '"systemProperties.x-opt-partition-key" must be a string (got number)',
    ),
    "systemProperties nested": (line(systemProperties={"a": {"b": "c"}}), '"systemProperties.a" must be a string'),
    "nested 100000 deep": ("[" * 100000 + "]" * 100000, "nested too deeply to be a connector row"),
    "body nested 100000 deep": ('{"body": ' + "[" * 100000 + "]" * 100000 + "}", "nested too deeply"),
    "a byte order mark": ("\ufeff" + line(), "not a JSON object (Unexpected UTF-8 BOM"),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_accepted_line(case):
    check_line(ACCEPTED[case], "events.json:3")


@pytest.mark.parametrize("case", list(REJECTED))
def test_rejected_line_names_the_line_and_the_problem(case):
    text, message = REJECTED[case]
    with pytest.raises(InputError) as raised:
        check_line(text, "events.json:3")
    assert str(raised.value).startswith("events.json:3: ")
    assert message in str(raised.value)


def test_spark_reads_every_accepted_line_as_the_check_does(spark, tmp_path):
    """What passes the check cannot fail in Spark's FAILFAST reader, and Spark reads each enqueuedTime as the same
    instant as the check: the check's model of Spark is tested against Spark itself."""
    source = tmp_path / "source"
    source.mkdir()
    names = list(ACCEPTED)
    (source / "lines.json").write_text("\n".join(ACCEPTED[name] for name in names) + "\n", encoding="utf-8")
    # A stream, as the pipeline reads it: process everything once into memory.
    query = (
        to_bronze(read_connector_lines(spark, str(source)))
        .writeStream.format("memory")
        .queryName("accepted_lines")
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()
    rows = spark.sql("SELECT length(body) AS size, unix_micros(enqueuedTime) AS micros FROM accepted_lines").collect()
    assert len(rows) == len(names)
    expected = sorted(iso_micros(json.loads(ACCEPTED[name])["enqueuedTime"]) for name in names)
    assert sorted(row["micros"] for row in rows) == expected
    assert max(row["size"] for row in rows) == MAX_TEXT_BYTES


def test_blank_lines_are_json_whitespace_only(tmp_path):
    path = tmp_path / "events.json"
    path.write_text(f"\n{line()}\r\n  \t\n{line()}\r{line()}\n", encoding="utf-8")
    assert check_lines(path) == 3
    path.write_text(f"{line()}\n\u00a0\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"events.json:2: not a JSON object"):
        check_lines(path)


def test_empty_file_has_no_events(tmp_path):
    path = tmp_path / "events.json"
    path.write_text("\n \n", encoding="utf-8")
    assert check_lines(path) == 0


def test_not_utf8_names_the_byte(tmp_path):
    path = tmp_path / "events.json"
    path.write_bytes(line().encode() + b"\n\xff\n")
    with pytest.raises(InputError, match=r"not UTF-8 text \(invalid start byte at byte \d+\)"):
        check_lines(path)


def test_a_directory_is_not_an_input(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        check_lines(tmp_path)
