"""Start order never matters: each notebook creates its tables first, so a stream starts on an empty or new input."""

import json

import pytest
from pyspark.sql import types as T

from medallion.bronze import read_connector_lines, start_bronze, to_bronze
from medallion.gold import start_gold
from medallion.sample import write_lines
from medallion.schema import BRONZE_SCHEMA, GOLD_SCHEMA, QUARANTINE_SCHEMA, SILVER_SCHEMA
from medallion.silver import start_silver
from medallion.streams import finish_connector_stream, run_to_end
from medallion.tables import create_tables, ensure_table

CATALOG = "spark_catalog"


def names(schemas):
    return {
        "bronze": f"{CATALOG}.{schemas['bronze']}.weather",
        "silver": f"{CATALOG}.{schemas['silver']}.weather",
        "quarantine": f"{CATALOG}.{schemas['silver']}.weather_quarantine",
        "gold": f"{CATALOG}.{schemas['gold']}.weather_summary",
    }


def event(moment, location, temperature, sequence):
    body = json.dumps({"location": location, "temperature": temperature, "humidity": 50.0, "conditions": "Rain"})
    return {"body": body, "enqueuedTime": f"2026-01-01T{moment}Z", "partition": "0", "sequenceNumber": sequence}


def columns(spark, table):
    return [(field.name, field.dataType.simpleString()) for field in spark.table(table).schema]


def count(spark, table):
    return spark.table(table).count()


# What each notebook does before it starts its stream (notebooks/<layer>.py).
def prepare_bronze(spark, schemas):
    create_tables(spark, CATALOG, bronze_schema=schemas["bronze"])


def prepare_silver(spark, schemas):
    create_tables(spark, CATALOG, bronze_schema=schemas["bronze"], silver_schema=schemas["silver"])


def prepare_gold(spark, schemas):
    create_tables(spark, CATALOG, silver_schema=schemas["silver"], gold_schema=schemas["gold"])


def test_each_table_is_created_empty_with_its_schema(spark, schemas):
    created = create_tables(spark, CATALOG, schemas["bronze"], schemas["silver"], schemas["gold"])
    tables = names(schemas)
    assert created == [tables["bronze"], tables["silver"], tables["quarantine"], tables["gold"]]
    for table, schema in (
        (tables["bronze"], BRONZE_SCHEMA),
        (tables["silver"], SILVER_SCHEMA),
        (tables["quarantine"], QUARANTINE_SCHEMA),
        (tables["gold"], GOLD_SCHEMA),
    ):
        assert columns(spark, table) == [(field.name, field.dataType.simpleString()) for field in schema]
        assert count(spark, table) == 0


def test_bronze_schema_is_what_the_bronze_stream_writes(spark, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    assert to_bronze(read_connector_lines(spark, str(source))).schema.simpleString() == BRONZE_SCHEMA.simpleString()


def test_creating_again_keeps_the_rows(spark, schemas):
    prepare_silver(spark, schemas)
    tables = names(schemas)
    spark.sql(f"INSERT INTO {tables['quarantine']} (body, reason) VALUES ('x', 'body is not valid JSON')")
    prepare_silver(spark, schemas)
    prepare_gold(spark, schemas)
    assert count(spark, tables["quarantine"]) == 1


def test_an_existing_table_with_other_columns_is_refused_by_name(spark, schemas):
    table = names(schemas)["gold"]
    spark.sql(f"CREATE TABLE {table} (location string, start string) USING DELTA")
    with pytest.raises(ValueError, match=r"weather_summary types column `start` as string, expected timestamp"):
        ensure_table(spark, table, GOLD_SCHEMA)
    narrow = T.StructType([T.StructField("location", T.StringType()), T.StructField("events", T.LongType())])
    with pytest.raises(ValueError, match=r"weather_summary has no column `events` \(bigint\)"):
        ensure_table(spark, table, narrow)


def test_each_stream_starts_cleanly_on_an_empty_or_just_created_input(spark, schemas, tmp_path):
    tables = names(schemas)
    checkpoints = str(tmp_path / "checkpoints")
    source = tmp_path / "source"
    source.mkdir()
    # Each task alone, in reverse order, with nothing written anywhere yet.
    prepare_gold(spark, schemas)
    run_to_end(start_gold(spark.readStream.table(tables["silver"]), tables["gold"], checkpoints, "availableNow"))
    prepare_silver(spark, schemas)
    run_to_end(
        start_silver(
            spark.readStream.table(tables["bronze"]),
            tables["silver"],
            tables["quarantine"],
            checkpoints,
            "availableNow",
        )
    )
    prepare_bronze(spark, schemas)
    bronze_rows = to_bronze(read_connector_lines(spark, str(source)))
    # A scheduled bronze run drains its source in processing-time batches and stops when it is caught up.
    finish_connector_stream(start_bronze(bronze_rows, tables["bronze"], checkpoints, "availableNow"), "availableNow")
    assert [count(spark, tables[name]) for name in ("bronze", "silver", "quarantine", "gold")] == [0, 0, 0, 0]

    # After a restart on the same checkpoints, the events that arrived since flow through.
    write_lines([event("10:01:00", "Oslo", 4.0, 1), event("10:02:00", "Oslo", 6.0, 2)], source / "events.json")
    finish_connector_stream(
        start_bronze(
            to_bronze(read_connector_lines(spark, str(source))), tables["bronze"], checkpoints, "availableNow"
        ),
        "availableNow",
    )
    run_to_end(
        start_silver(
            spark.readStream.table(tables["bronze"]),
            tables["silver"],
            tables["quarantine"],
            checkpoints,
            "availableNow",
        )
    )
    run_to_end(start_gold(spark.readStream.table(tables["silver"]), tables["gold"], checkpoints, "availableNow"))
    gold = spark.table(tables["gold"]).collect()
    assert [(row["location"], row["temperature"], row["events"]) for row in gold] == [("Oslo", 5.0, 2)]


def test_silver_and_gold_started_before_bronze_has_written_anything(spark, schemas, tmp_path):
    """The continuous job's three tasks start together; here silver and gold even start first and wait."""
    tables = names(schemas)
    checkpoints = str(tmp_path / "checkpoints")
    prepare_silver(spark, schemas)
    silver = start_silver(
        spark.readStream.table(tables["bronze"]),
        tables["silver"],
        tables["quarantine"],
        checkpoints,
        "continuous",
        interval="1 second",
    )
    prepare_gold(spark, schemas)
    gold = start_gold(
        spark.readStream.table(tables["silver"]), tables["gold"], checkpoints, "continuous", interval="1 second"
    )
    try:
        silver.processAllAvailable()
        gold.processAllAvailable()
        assert silver.isActive and gold.isActive and silver.exception() is None and gold.exception() is None
        assert count(spark, tables["silver"]) == 0 and count(spark, tables["gold"]) == 0

        source = tmp_path / "source"
        source.mkdir()
        lines = [
            event("10:00:10", "Oslo", 2.0, 1),
            event("10:00:20", "Bergen", 8.0, 2),
            event("10:00:30", "Oslo", 4.0, 3),
        ]
        write_lines([*lines, {"body": "{broken", "enqueuedTime": "2026-01-01T10:00:40Z"}], source / "events.json")
        prepare_bronze(spark, schemas)
        bronze_rows = to_bronze(read_connector_lines(spark, str(source)))
        finish_connector_stream(
            start_bronze(bronze_rows, tables["bronze"], checkpoints, "availableNow"), "availableNow"
        )

        silver.processAllAvailable()
        gold.processAllAvailable()
        assert (count(spark, tables["silver"]), count(spark, tables["quarantine"])) == (3, 1)
        rows = spark.table(tables["gold"]).orderBy("location").collect()
        assert [(row["location"], row["temperature"], row["events"]) for row in rows] == [
            ("Bergen", 8.0, 1),
            ("Oslo", 3.0, 2),
        ]
    finally:
        silver.stop()
        gold.stop()
