"""Bronze layer: raw Event Hubs connector rows, nothing dropped, plus the time each row was ingested."""

import json

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from medallion.schema import CONNECTOR_SCHEMA, LINE_SCHEMA
from medallion.streams import CONTINUOUS_INTERVAL, checkpoint_path, with_connector_trigger

CONNECTOR = "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22"
DEFAULT_CONSUMER_GROUP = "$Default"  # The Basic tier has only this implicit group; others may add a dedicated one.
STARTING_POSITIONS = ("start", "latest")


def starting_position(position: str) -> str:
    """The connector's `eventhubs.startingPosition` JSON: `start` is offset "-1", `latest` is "@latest"."""
    offsets = {"start": "-1", "latest": "@latest"}
    if position not in offsets:
        raise ValueError(f"starting_position must be one of {', '.join(STARTING_POSITIONS)} (got {position!r})")
    return json.dumps({"offset": offsets[position], "seqNo": -1, "enqueuedTime": None, "isInclusive": True})


def eventhubs_options(
    encrypted_connection_string: str,
    position: str,
    max_events_per_trigger: int,
    consumer_group: str = DEFAULT_CONSUMER_GROUP,
) -> dict[str, str]:
    """The connector's read options; the connection string must already be encrypted with EventHubsUtils.encrypt."""
    if max_events_per_trigger < 1:
        raise ValueError(f"max_events_per_trigger must be a positive integer (got {max_events_per_trigger})")
    if not consumer_group.strip():
        raise ValueError("consumer_group must not be empty (the Basic tier's group is $Default)")
    return {
        "eventhubs.connectionString": encrypted_connection_string,
        "eventhubs.startingPosition": starting_position(position),
        "maxEventsPerTrigger": str(max_events_per_trigger),
        "eventhubs.consumerGroup": consumer_group,
    }


def read_eventhubs(
    spark: SparkSession,
    connection_string: str,
    position: str,
    max_events_per_trigger: int,
    consumer_group: str = DEFAULT_CONSUMER_GROUP,
) -> DataFrame:
    """Streams the hub named by the connection string's EntityPath through the Event Hubs connector.

    The connection string is only checked and encrypted here, never logged: error messages do not include it.
    """
    if "EntityPath=" not in connection_string:
        raise ValueError("the Event Hubs connection string has no EntityPath=<hub>; use the hub-level Listen rule")
    encrypted = spark.sparkContext._jvm.org.apache.spark.eventhubs.EventHubsUtils.encrypt(connection_string)
    options = eventhubs_options(encrypted, position, max_events_per_trigger, consumer_group)
    return spark.readStream.format("eventhubs").options(**options).load()


def read_connector_lines(spark: SparkSession, source_dir: str, max_files_per_trigger: int | None = None) -> DataFrame:
    """Streams local files of connector rows (docs/interfaces.md line format) with exactly the connector's schema.

    This replaces the Event Hubs source on a machine without Azure; everything downstream is the same code.
    """
    reader = spark.readStream.schema(LINE_SCHEMA).option("mode", "FAILFAST")
    if max_files_per_trigger:
        reader = reader.option("maxFilesPerTrigger", max_files_per_trigger)
    return lines_to_connector_rows(reader.json(source_dir))


def lines_to_connector_rows(lines: DataFrame) -> DataFrame:
    """Casts line-format rows to the connector's types and column order (body to binary, time to timestamp).

    `properties` and `systemProperties` are what the connector gives for the same event: the connector maps an event
    without application properties to an empty map, never null, and puts every message annotation except offset,
    sequence number and enqueued time in `systemProperties`, so a keyed event has `x-opt-partition-key` there (and a
    publisher's event `x-opt-publisher`). A line that gives the maps keeps them.
    """
    empty = F.create_map().cast("map<string,string>")
    annotations = F.map_filter(
        F.map_from_arrays(
            F.array(F.lit("x-opt-partition-key"), F.lit("x-opt-publisher")),
            F.array(F.col("partitionKey"), F.col("publisher")),
        ),
        lambda _key, value: value.isNotNull(),
    )
    return lines.select(
        F.col("body").cast("binary").alias("body"),
        "partition",
        "offset",
        "sequenceNumber",
        F.to_timestamp("enqueuedTime").alias("enqueuedTime"),
        "publisher",
        "partitionKey",
        F.coalesce("properties", empty).alias("properties"),
        F.coalesce("systemProperties", annotations).alias("systemProperties"),
    )


def to_bronze(connector_rows: DataFrame) -> DataFrame:
    """Keeps every connector column, in the connector's order, and adds `ingested_at` (when this job read the row)."""
    columns = [F.col(field.name).cast(field.dataType) for field in CONNECTOR_SCHEMA.fields]
    return connector_rows.select(*columns, F.current_timestamp().alias("ingested_at"))


def start_bronze(
    bronze: DataFrame,
    table: str,
    checkpoint_volume: str,
    trigger: str,
    name: str = "bronze_weather",
    interval: str = CONTINUOUS_INTERVAL,
):
    """Appends bronze rows to `table`, checkpointing in `<checkpoint_volume>/bronze/weather`; returns the query.

    A scheduled (`availableNow`) run drains the source, as every stream reading the connector does
    (`streams.with_connector_trigger`); wait for the query with `streams.finish_connector_stream`.
    """
    writer = (
        bronze.writeStream.queryName(name)
        .format("delta")
        .outputMode("append")
        .option("checkpointLocation", checkpoint_path(checkpoint_volume, "bronze", "weather"))
    )
    return with_connector_trigger(writer, trigger, interval, bronze.sparkSession).toTable(table)
