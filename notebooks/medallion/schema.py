"""Schemas shared by every layer: the connector's rows, the event body, and the rows of each table."""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from pyspark.sql import types as T

# The columns of the Event Hubs connector (azure-eventhubs-spark 2.3.22), in its order. Bronze keeps all of them.
CONNECTOR_SCHEMA = T.StructType(
    [
        T.StructField("body", T.BinaryType()),
        T.StructField("partition", T.StringType()),
        T.StructField("offset", T.StringType()),
        T.StructField("sequenceNumber", T.LongType()),
        T.StructField("enqueuedTime", T.TimestampType()),
        T.StructField("publisher", T.StringType()),
        T.StructField("partitionKey", T.StringType()),
        T.StructField("properties", T.MapType(T.StringType(), T.StringType())),
        T.StructField("systemProperties", T.MapType(T.StringType(), T.StringType())),
    ]
)

# One line of a local source file (docs/interfaces.md): a connector row, body as text and time as ISO 8601.
LINE_SCHEMA = T.StructType(
    [
        T.StructField("body", T.StringType()),
        T.StructField("partition", T.StringType()),
        T.StructField("offset", T.StringType()),
        T.StructField("sequenceNumber", T.LongType()),
        T.StructField("enqueuedTime", T.StringType()),
        T.StructField("publisher", T.StringType()),
        T.StructField("partitionKey", T.StringType()),
        T.StructField("properties", T.MapType(T.StringType(), T.StringType())),
        T.StructField("systemProperties", T.MapType(T.StringType(), T.StringType())),
    ]
)

# The event body, defined once: every other schema and rule below is derived from this list.
NUMERIC_FIELDS = ("temperature", "humidity", "wind_speed", "precipitation")
TEXT_FIELDS = ("event_id", "timestamp", "location", "conditions", "wind_direction")
REQUIRED_FIELDS = ("temperature", "humidity", "location")
BODY_SCHEMA = T.StructType(
    [T.StructField(name, T.StringType()) for name in ("event_id", "timestamp", "location")]
    + [T.StructField(name, T.DoubleType()) for name in NUMERIC_FIELDS]
    + [T.StructField(name, T.StringType()) for name in ("conditions", "wind_direction")]
)

# Inclusive bounds (°C, %, m/s, mm); None means unbounded on that side.
RANGES = {
    "temperature": (-90.0, 60.0),
    "humidity": (0.0, 100.0),
    "wind_speed": (0.0, None),
    "precipitation": (0.0, None),
}


class Instant(NamedTuple):
    """A point in time as written in messages and as Spark's microseconds since the epoch."""

    text: str
    micros: int


def _instant(moment: datetime) -> Instant:
    micros = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return Instant(moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z", micros)


# The times a Delta table stores as they are: Parquet refuses earlier ones (WRITE_ANCIENT_DATETIME) unless a rebase
# mode is set, and Python, which reads the results, stops at year 9999. Inclusive.
TIMESTAMP_RANGE = (
    _instant(datetime(1900, 1, 1, tzinfo=UTC)),
    _instant(datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
)

# Bronze keeps every connector column and adds when the row was read (medallion.bronze.to_bronze).
BRONZE_SCHEMA = T.StructType([*CONNECTOR_SCHEMA.fields, T.StructField("ingested_at", T.TimestampType())])

SILVER_SCHEMA = T.StructType(
    [
        T.StructField("event_id", T.StringType()),
        T.StructField("location", T.StringType()),
        T.StructField("timestamp", T.TimestampType()),
        T.StructField("event_timestamp", T.TimestampType()),
        *[T.StructField(name, T.DoubleType()) for name in NUMERIC_FIELDS],
        T.StructField("conditions", T.StringType()),
        T.StructField("wind_direction", T.StringType()),
        T.StructField("partition", T.StringType()),
        T.StructField("offset", T.StringType()),
        T.StructField("sequenceNumber", T.LongType()),
        T.StructField("ingested_at", T.TimestampType()),
    ]
)

QUARANTINE_SCHEMA = T.StructType(
    [
        T.StructField("body", T.StringType()),
        T.StructField("reason", T.StringType()),
        T.StructField("enqueuedTime", T.TimestampType()),
        T.StructField("partition", T.StringType()),
        T.StructField("offset", T.StringType()),
        T.StructField("sequenceNumber", T.LongType()),
        T.StructField("partitionKey", T.StringType()),
        T.StructField("ingested_at", T.TimestampType()),
    ]
)

GOLD_SCHEMA = T.StructType(
    [
        T.StructField("location", T.StringType()),
        T.StructField("start", T.TimestampType()),
        T.StructField("end", T.TimestampType()),
        *[T.StructField(name, T.DoubleType()) for name in NUMERIC_FIELDS],
        T.StructField("conditions", T.StringType()),
        T.StructField("wind_direction", T.StringType()),
        T.StructField("events", T.LongType()),
    ]
)
