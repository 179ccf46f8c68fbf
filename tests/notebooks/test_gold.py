"""Gold: window boundaries, grouping per location, averages and most frequent values, MERGE idempotence."""

import pytest
from conftest import at

from medallion.gold import merge_summaries, summarize_windows
from medallion.schema import GOLD_SCHEMA, SILVER_SCHEMA
from medallion.tables import ensure_table

# (location, event time, temperature, humidity, wind_speed, precipitation, conditions, wind_direction)
EVENTS = [
    ("Seattle", "10:00:00", 10.0, 80.0, 2.0, 0.0, "Rain", "N"),
    ("Seattle", "10:04:59.999", 14.0, 70.0, None, 1.0, "Cloudy", "S"),
    ("Seattle", "10:02:00", 12.0, 60.0, 4.0, 2.0, "Cloudy", "N"),
    ("Seattle", "10:05:00", 20.0, 50.0, 1.0, 0.0, "Clear", "E"),
    ("London", "10:01:00", 5.0, 90.0, 6.0, 3.0, "Rain", "W"),
    ("London", "10:03:00", 7.0, 85.0, 8.0, 1.0, "Fog", "E"),
]
# Worked out by hand from EVENTS: (location, start, end) -> (temperature, humidity, wind_speed, precipitation,
# conditions, wind_direction, events). London's ties (Rain/Fog, W/E) go to the alphabetically first value.
EXPECTED = {
    ("London", "10:00:00", "10:05:00"): (6.0, 87.5, 7.0, 2.0, "Fog", "E", 2),
    ("Seattle", "10:00:00", "10:05:00"): (12.0, 70.0, 3.0, 1.0, "Cloudy", "N", 3),
    ("Seattle", "10:05:00", "10:10:00"): (20.0, 50.0, 1.0, 0.0, "Clear", "E", 1),
}


def silver_frame(spark, events):
    rows = []
    for index, (location, moment, temperature, humidity, wind, rain, conditions, direction) in enumerate(events):
        timestamp = at(moment)
        rows.append(
            (f"e{index}", location, timestamp, timestamp, temperature, humidity, wind, rain, conditions, direction)
            + ("0", str(index), index, timestamp)
        )
    return spark.createDataFrame(rows, SILVER_SCHEMA)


def by_window(rows):
    result = {}
    for row in rows:
        key = (row["location"], row["start"].strftime("%H:%M:%S"), row["end"].strftime("%H:%M:%S"))
        result[key] = tuple(row[name] for name in ("temperature", "humidity", "wind_speed", "precipitation"))
        result[key] += (row["conditions"], row["wind_direction"], row["events"])
    return result


def test_windows_per_location_with_averages_and_most_frequent_values(spark):
    assert by_window(summarize_windows(silver_frame(spark, EVENTS)).collect()) == EXPECTED


def test_an_event_at_the_boundary_opens_the_next_window(spark):
    rows = summarize_windows(silver_frame(spark, [EVENTS[1], EVENTS[3]])).collect()
    assert sorted((r["start"].strftime("%H:%M"), r["end"].strftime("%H:%M"), r["events"]) for r in rows) == [
        ("10:00", "10:05", 1),
        ("10:05", "10:10", 1),
    ]


def test_most_frequent_does_not_depend_on_arrival_order(spark):
    events = [EVENTS[4], EVENTS[5]]
    forward = by_window(summarize_windows(silver_frame(spark, events)).collect())
    backward = by_window(summarize_windows(silver_frame(spark, events[::-1])).collect())
    assert forward == backward == {("London", "10:00:00", "10:05:00"): EXPECTED[("London", "10:00:00", "10:05:00")]}


def test_most_frequent_ignores_missing_values(spark):
    events = [
        ("Oslo", "10:00:00", 1.0, 50.0, None, None, None, None),
        ("Oslo", "10:01:00", 3.0, 50.0, 2.0, None, "Snow", None),
    ]
    [row] = summarize_windows(silver_frame(spark, events)).collect()
    assert (row["conditions"], row["wind_direction"], row["precipitation"], row["wind_speed"]) == (
        "Snow",
        None,
        None,
        2.0,
    )


@pytest.fixture
def gold(spark, schemas):
    table = f"spark_catalog.{schemas['gold']}.weather_summary"
    ensure_table(spark, table, GOLD_SCHEMA)
    return table


def test_merging_the_same_batch_twice_gives_the_same_gold(spark, gold):
    summaries = summarize_windows(silver_frame(spark, EVENTS))
    merge_summaries(summaries, gold)
    once = by_window(spark.table(gold).collect())
    merge_summaries(summaries, gold)
    assert by_window(spark.table(gold).collect()) == once == EXPECTED


def test_a_later_state_of_a_window_replaces_its_row(spark, gold):
    merge_summaries(summarize_windows(silver_frame(spark, EVENTS[:2])), gold)
    merge_summaries(summarize_windows(silver_frame(spark, EVENTS)), gold)
    assert by_window(spark.table(gold).collect()) == EXPECTED
