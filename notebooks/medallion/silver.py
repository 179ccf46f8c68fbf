"""Silver layer: parses each bronze body against the event schema, validates it, and splits valid rows from quarantine.

Every bronze row ends up in exactly one of the two tables, so bronze = silver + quarantine holds after each batch.
"""

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from medallion.schema import BODY_SCHEMA, NUMERIC_FIELDS, RANGES, REQUIRED_FIELDS, SILVER_SCHEMA, TEXT_FIELDS
from medallion.streams import CONTINUOUS_INTERVAL, checkpoint_path, with_trigger

# Spark's from_json in PERMISSIVE mode turns anything it cannot read into nulls. These probes tell a missing field from
# one that is present with the wrong JSON type: a field's text form (from the map) exists but its typed value is null,
# or a text field parses as a number, a boolean, an array or an object.
_AS_MAP = T.MapType(T.StringType(), T.StringType())
_PROBES = {
    "number": T.DoubleType(),
    "boolean": T.BooleanType(),
    "array": T.ArrayType(T.StringType()),
    "object": T.MapType(T.StringType(), T.StringType()),
}
_WRAPPED = T.StructType([T.StructField("value", T.StringType())])


def _probe_schema(json_type: T.DataType) -> T.StructType:
    return T.StructType([T.StructField(name, json_type) for name in TEXT_FIELDS])


def parse_bodies(bronze: DataFrame) -> DataFrame:
    """Adds `body_text` (the body decoded as UTF-8), `event` (the body typed by the event schema) and the parse probes.

    Kept separate from `classify_events` so that Spark parses each body once per probe, however often a rule uses it.
    """
    body_text = F.col("body").cast("string")
    return bronze.withColumn("body_text", body_text).select(
        "*",
        F.from_json("body_text", _AS_MAP).alias("_fields"),
        F.from_json("body_text", BODY_SCHEMA).alias("event"),
        # Wrapping the body in an object lets the parser accept any JSON value: it reads a JSON array or scalar body.
        F.from_json(F.concat(F.lit('{"value":'), F.col("body_text"), F.lit("}")), _WRAPPED).alias("_wrapped"),
        *[F.from_json("body_text", _probe_schema(kind)).alias(f"_as_{name}") for name, kind in _PROBES.items()],
    )


def _body_problem() -> Column:
    trimmed = F.trim(F.col("body_text"))
    is_json_value = F.col("_wrapped.value").isNotNull() | (trimmed == "null")
    return (
        F.when(F.col("body").isNull() | (trimmed == ""), F.lit("body is empty"))
        .when(F.col("_fields").isNotNull(), F.lit(None).cast("string"))
        .when(trimmed.startswith("{"), F.lit("body is not valid JSON"))
        .when(is_json_value, F.lit("body is not a JSON object"))
        .otherwise(F.lit("body is not valid JSON"))
    )


def _field_problems() -> list[Column]:
    problems = []
    # In the body schema's order, so that a row breaking several rules always lists them the same way.
    for name in BODY_SCHEMA.fieldNames():
        raw = F.col("_fields").getItem(name)
        typed = F.col(f"event.{name}")
        if name in NUMERIC_FIELDS:
            wrong_type = raw.isNotNull() & typed.isNull()
            problems.append(F.when(wrong_type, F.lit(f"{name} must be a number")))
        else:
            wrong_type = F.lit(False)
            for probe in _PROBES:
                wrong_type = wrong_type | F.col(f"_as_{probe}.{name}").isNotNull()
            problems.append(F.when(wrong_type, F.lit(f"{name} must be a string")))
        if name in REQUIRED_FIELDS:
            missing = typed.isNull() if name in NUMERIC_FIELDS else F.coalesce(F.trim(typed), F.lit("")) == ""
            problems.append(F.when(~wrong_type & missing, F.lit(f"{name} is missing")))
        if name in RANGES:
            low, high = RANGES[name]
            not_finite = F.isnan(typed) | (F.abs(typed) == float("inf"))
            problems.append(F.when(not_finite, F.lit(f"{name} must be a finite number")))
            in_range = typed >= F.lit(low) if high is None else typed.between(low, high)
            bounds = f"must be >= {low:g}" if high is None else f"out of range [{low:g}, {high:g}]"
            problems.append(F.when(~not_finite & ~in_range, F.lit(f"{name} {bounds}")))
    timestamp_text = F.col("event.timestamp")
    bad_timestamp = timestamp_text.isNotNull() & timestamp_text.cast("timestamp").isNull()
    problems.append(F.when(bad_timestamp, F.lit("timestamp is not an ISO 8601 timestamp")))
    problems.append(F.when(F.col("enqueuedTime").isNull(), F.lit("enqueuedTime is missing")))
    return problems


def classify_events(bronze: DataFrame) -> DataFrame:
    """Adds `reason` to each bronze row: null when the event is valid, else every rule it breaks, joined by "; ".

    Rules: the body is a JSON object; temperature, humidity and location are present and of their types; temperature
    is within -90..60 °C, humidity within 0..100 %, wind_speed and precipitation >= 0; all numbers finite; a
    `timestamp`, when given, is ISO 8601; the connector's `enqueuedTime` is set.
    """
    parsed = parse_bodies(bronze)
    field_reasons = F.concat_ws("; ", *_field_problems())
    body_problem = _body_problem()
    reason = F.coalesce(body_problem, F.when(field_reasons != "", field_reasons))
    # The body problem is checked first so a non-object body reports that alone, not a list of missing fields.
    return parsed.withColumn("reason", F.when(body_problem.isNotNull(), body_problem).otherwise(reason))


def valid_events(classified: DataFrame) -> DataFrame:
    """The silver rows: typed fields, the event time from the connector's `enqueuedTime`, and lineage columns.

    The seed read `enqueueTime`, which the connector does not have, and dropped `location`; both are fixed here.
    """
    columns = {
        "event_id": F.col("event.event_id"),
        "location": F.trim(F.col("event.location")),
        "timestamp": F.col("enqueuedTime"),
        "event_timestamp": F.col("event.timestamp").cast("timestamp"),
        **{name: F.col(f"event.{name}") for name in NUMERIC_FIELDS},
        "conditions": F.col("event.conditions"),
        "wind_direction": F.col("event.wind_direction"),
        "partition": F.col("partition"),
        "offset": F.col("offset"),
        "sequenceNumber": F.col("sequenceNumber"),
        "ingested_at": F.col("ingested_at"),
    }
    selected = [columns[field.name].cast(field.dataType).alias(field.name) for field in SILVER_SCHEMA.fields]
    return classified.where(F.col("reason").isNull()).select(*selected)


def quarantined_events(classified: DataFrame) -> DataFrame:
    """The rows that broke a rule, with the raw body as text, the reason, and where the row came from."""
    return classified.where(F.col("reason").isNotNull()).select(
        F.col("body_text").alias("body"),
        "reason",
        "enqueuedTime",
        "partition",
        "offset",
        "sequenceNumber",
        "partitionKey",
        "ingested_at",
    )


def write_silver_batch(batch: DataFrame, batch_id: int, silver: str, quarantine: str, app_id: str) -> None:
    """Writes one micro-batch to both tables, exactly once: Delta skips a (txnAppId, txnVersion) it already committed,
    so a batch replayed after a failure between the two writes is not written twice."""
    classified = classify_events(batch).persist()
    try:
        for frame, table in ((valid_events(classified), silver), (quarantined_events(classified), quarantine)):
            (
                frame.write.format("delta")
                .mode("append")
                .option("txnAppId", f"{app_id}:{table}")
                .option("txnVersion", batch_id)
                .saveAsTable(table)
            )
    finally:
        classified.unpersist()


def start_silver(
    bronze_stream: DataFrame,
    silver: str,
    quarantine: str,
    checkpoint_volume: str,
    trigger: str,
    name: str = "silver_weather",
    interval: str = CONTINUOUS_INTERVAL,
):
    """Streams bronze into silver and quarantine, checkpointing in `<checkpoint_volume>/silver/weather`."""
    checkpoint = checkpoint_path(checkpoint_volume, "silver", "weather")
    writer = (
        bronze_stream.writeStream.queryName(name)
        .option("checkpointLocation", checkpoint)
        .foreachBatch(lambda batch, batch_id: write_silver_batch(batch, batch_id, silver, quarantine, checkpoint))
    )
    return with_trigger(writer, trigger, interval).start()
