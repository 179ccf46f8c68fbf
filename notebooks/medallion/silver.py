"""Silver layer: parses each bronze body against the event schema, validates it, and splits valid rows from quarantine.

Every bronze row ends up in exactly one of the two tables, so bronze = silver + quarantine holds after each batch, and
an `event_id` reaches silver at most once: a repeat goes to quarantine as a duplicate (a re-send more than
RESEND_HORIZON after its first copy excepted, see there).
"""

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from medallion.idempotent import checkpoint_key, step_reached, write_once
from medallion.schema import (
    BODY_SCHEMA,
    NUMERIC_FIELDS,
    RANGES,
    REQUIRED_FIELDS,
    SILVER_SCHEMA,
    TEXT_FIELDS,
    TIMESTAMP_RANGE,
)
from medallion.streams import CONTINUOUS_INTERVAL, checkpoint_path, with_trigger

DUPLICATE = "duplicate event_id"
# How far before a batch's earliest event time the duplicate check looks in silver. A repeat reaches silver in one of
# two ways. The hub delivering an event again (a checkpoint reset, a replayed batch) keeps its enqueuedTime, so the
# first copy has the same silver `timestamp` and is always inside the bound. The producer re-sending a batch whose send
# outcome it did not learn gets a new enqueuedTime, later than the first copy's by at most the sender's retry window:
# src/producer/sender.ts allows up to 20 re-sends (`--max-retries`, default 5), each attempt timing out after 30 s
# (producerRetryOptions) with a backoff of at most 8 s between attempts, so 21 x 30 s + 20 x 8 s = 13 min 10 s at the
# most (3 min 15 s with the defaults); a producer that is not ours, on the Event Hubs JavaScript SDK's default policy
# (3 retries, 60 s per attempt, at most 90 s between attempts), re-sends within 7 min. One hour is more than four
# times the longest of these, which leaves room for clock skew between the hub's partitions. A re-send later than this
# (a producer restarted hours later with the same events) is counted twice: silver holds it once per copy, and gold
# counts it twice.
RESEND_HORIZON = timedelta(hours=1)
_HORIZON_MICROS = RESEND_HORIZON // timedelta(microseconds=1)
# Strict JSON: Spark's parser accepts single-quoted strings and bare NaN/Infinity by default; neither is JSON.
_JSON_OPTIONS = {"allowSingleQuotes": "false", "allowNonNumericNumbers": "false"}
# Every character with the Unicode White_Space property (tab, newline, no-break space, ideographic space, ...); Spark's
# `trim` removes only the ASCII space.
_EDGE_WHITESPACE = r"^\p{IsWhite_Space}+|\p{IsWhite_Space}+$"

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
_ONE_VALUE = T.ArrayType(T.StringType())


def _probe_schema(json_type: T.DataType) -> T.StructType:
    return T.StructType([T.StructField(name, json_type) for name in TEXT_FIELDS])


def trim_whitespace(text: Column) -> Column:
    """`text` without leading and trailing Unicode whitespace (every White_Space character, not only the space)."""
    return F.regexp_replace(text, _EDGE_WHITESPACE, "")


# The typed parse also keeps the body in this column when any field could not take its type, or the body is no object.
_CORRUPT = "_corrupt_record"
_TYPED_SCHEMA = T.StructType([*BODY_SCHEMA.fields, T.StructField(_CORRUPT, T.StringType())])
_TYPED_OPTIONS = {**_JSON_OPTIONS, "columnNameOfCorruptRecord": _CORRUPT}
# What a text field holds when its JSON value was not a string: Spark renders a number (`12`, `1.0E5`, `"Infinity"`
# for an overflow), a boolean, an array or an object as JSON text. A string whose text looks like one of these is
# ambiguous and takes the probes; every other string was certainly a JSON string.
_MAYBE_NOT_A_STRING = r'^(?:[-+]?[0-9][0-9.eE+-]*|"?[-+]?(?:Infinity|INF|NaN)"?|true|false|null|[\[{][\s\S]*)$'


def parse_bodies(bronze: DataFrame) -> DataFrame:
    """Adds `body_text` (the body decoded as UTF-8), `event` (the body typed by the event schema), `_is_object`, and
    the parse probes a rule may need.

    One typed parse answers for almost every body: when it keeps no corrupt record, the body is a JSON object whose
    numbers are numbers, so only its text fields' JSON types are left to tell. The probes (a parse to a map of raw
    texts, which tells a missing field from a wrong type, and one parse per JSON type) run only for the rare body the
    typed parse could not read, or whose text fields look like numbers, booleans, arrays or objects: parsing a string
    as a number makes Spark's parser throw, and throwing for every field of every body cost most of silver's time.
    """
    body_text = F.col("body").cast("string")
    typed = F.from_json("body_text", _TYPED_SCHEMA, _TYPED_OPTIONS)
    parsed = bronze.withColumn("body_text", body_text).withColumn("_typed", typed)
    clean = F.col("_typed").isNotNull() & F.col(f"_typed.{_CORRUPT}").isNull()
    ambiguous = F.lit(False)
    for name in TEXT_FIELDS:
        ambiguous = ambiguous | F.coalesce(F.col(f"_typed.{name}").rlike(_MAYBE_NOT_A_STRING), F.lit(False))
    probes = F.struct(
        *[F.from_json("body_text", _probe_schema(kind), _JSON_OPTIONS).alias(name) for name, kind in _PROBES.items()]
    )
    # Spark's parser reads the first JSON value of a text and ignores what follows. Parsing `[<body>,"<sha-256 of the
    # body>"]` as an array tells whether the body is exactly one value: any text after that value either breaks the
    # array or adds elements before the digest, and no body can contain its own digest.
    digest = F.sha2(F.col("body_text"), 256)
    one_value = F.concat(F.lit("["), F.col("body_text"), F.lit(',"'), digest, F.lit('"]'))
    return parsed.select(
        *[column for column in parsed.columns if column != "_typed"],
        F.col("_typed").dropFields(_CORRUPT).alias("event"),
        F.when(~clean, F.from_json("body_text", _AS_MAP, _JSON_OPTIONS)).alias("_fields"),
        clean.alias("_clean"),
        F.when(~clean | ambiguous, probes).alias("_probes"),
        F.from_json(one_value, _ONE_VALUE, _JSON_OPTIONS).alias("_one_value"),
        digest.alias("_digest"),
    )


def _body_problem() -> Column:
    trimmed = F.trim(F.col("body_text"))
    one_value = F.col("_one_value")
    is_one_value = (F.size(one_value) == 2) & (F.element_at(one_value, 2) == F.col("_digest"))
    is_object = F.col("_clean") | F.col("_fields").isNotNull()
    return (
        F.when(F.col("body").isNull() | (trimmed == ""), F.lit("body is empty"))
        .when(is_object & is_one_value, F.lit(None).cast("string"))
        .when(is_object, F.lit("body has text after the JSON object"))
        .when(is_one_value, F.lit("body is not a JSON object"))
        .otherwise(F.lit("body is not valid JSON"))
    )


def _field_problems() -> list[Column]:
    problems = []
    # In the body schema's order, so that a row breaking several rules always lists them the same way.
    for name in BODY_SCHEMA.fieldNames():
        raw = F.col("_fields").getItem(name)
        typed = F.col(f"event.{name}")
        if name in NUMERIC_FIELDS:
            wrong_type = raw.isNotNull() & typed.isNull()  # raw is only parsed when the typed parse failed
            problems.append(F.when(wrong_type, F.lit(f"{name} must be a number")))
        else:
            wrong_type = F.lit(False)
            for probe in _PROBES:
                wrong_type = wrong_type | F.col(f"_probes.{probe}.{name}").isNotNull()
            problems.append(F.when(wrong_type, F.lit(f"{name} must be a string")))
        if name in REQUIRED_FIELDS:
            missing = typed.isNull() if name in NUMERIC_FIELDS else F.coalesce(trim_whitespace(typed), F.lit("")) == ""
            problems.append(F.when(~wrong_type & missing, F.lit(f"{name} is missing")))
        if name in RANGES:
            low, high = RANGES[name]
            not_finite = F.isnan(typed) | (F.abs(typed) == float("inf"))
            problems.append(F.when(not_finite, F.lit(f"{name} must be a finite number")))
            in_range = typed >= F.lit(low) if high is None else typed.between(low, high)
            bounds = f"must be >= {low:g}" if high is None else f"out of range [{low:g}, {high:g}]"
            problems.append(F.when(~not_finite & ~in_range, F.lit(f"{name} {bounds}")))
    timestamp_text = F.col("event.timestamp")
    event_time = F.unix_micros(timestamp_text.cast("timestamp"))
    bad_timestamp = timestamp_text.isNotNull() & event_time.isNull()
    problems.append(F.when(bad_timestamp, F.lit("timestamp is not an ISO 8601 timestamp")))
    # Parquet refuses times before 1900 without a rebase mode and the whole batch would fail; .NET's DateTime.MinValue
    # (0001-01-01) is a common default that ends up here.
    earliest, latest = TIMESTAMP_RANGE
    out_of_range = (event_time < F.lit(earliest.micros)) | (event_time > F.lit(latest.micros))
    problems.append(F.when(out_of_range, F.lit(f"timestamp out of range [{earliest.text}, {latest.text}]")))
    problems.append(F.when(F.col("enqueuedTime").isNull(), F.lit("enqueuedTime is missing")))
    return problems


def classify_events(bronze: DataFrame) -> DataFrame:
    """Adds `reason` to each bronze row: null when the event is valid, else every rule it breaks, joined by "; ".

    Rules: the body is exactly one JSON object (strict JSON: no single quotes, no NaN, nothing after it); temperature,
    humidity and location are present and of their types (location not blank after trimming Unicode whitespace);
    temperature is within -90..60 °C, humidity within 0..100 %, wind_speed and precipitation >= 0; all numbers finite;
    a `timestamp`, when given, is ISO 8601 within what Delta stores (TIMESTAMP_RANGE); the connector's `enqueuedTime`
    is set. Duplicates are a separate step (`mark_duplicates`): they need silver's contents, not just the row.
    """
    parsed = parse_bodies(bronze)
    field_reasons = F.concat_ws("; ", *_field_problems())
    body_problem = _body_problem()
    reason = F.coalesce(body_problem, F.when(field_reasons != "", field_reasons))
    # The body problem is checked first so a non-object body reports that alone, not a list of missing fields.
    return parsed.withColumn("reason", F.when(body_problem.isNotNull(), body_problem).otherwise(reason))


def _nfc(text: str | None) -> str | None:
    return None if text is None else unicodedata.normalize("NFC", text)


# Spark 3.5 has no Unicode normalization function; a Python UDF does it, applied only to names that are not ASCII
# (ASCII text is already NFC), so the common case never leaves the JVM.
_nfc_udf = F.udf(_nfc, T.StringType())


def mark_duplicates(classified: DataFrame, silver: DataFrame | None) -> DataFrame:
    """Sets `reason` to "duplicate event_id" on each valid row whose `event_id` is already in `silver` (None before
    silver exists) with a `timestamp` at most RESEND_HORIZON before the batch's earliest valid event time, or appeared
    earlier in this batch (ordered by enqueuedTime, partition, sequenceNumber, offset; the rows are ranked only in a
    batch where some id does come twice).

    Rows without an event_id (absent, null or blank) are never duplicates: they are counted as they come. Ids are
    compared exactly. The event time is the connector's `enqueuedTime`, which silver stores as `timestamp`
    (`valid_events`); only valid rows with an id set the bound, and a valid row always has an enqueuedTime (a row
    without one is quarantined), so a body's own `timestamp`, absent or not, and an invalid row enqueued long ago do
    not move it. Silver is appended in event-time order, so the bound is a literal filter on `timestamp` that Delta's
    file statistics turn into skipped files: a batch reads the last hour or so of silver, whatever the table's size.
    Only that part's `event_id` column is read, joined against this batch's ids (broadcast), never shuffled; no
    watermark is involved, so a late repeat inside the bound is caught too.
    """
    event_id = F.col("event.event_id")
    candidate = F.col("reason").isNull() & (F.coalesce(trim_whitespace(event_id), F.lit("")) != "")
    marked = classified.withColumn("_dedup_id", F.when(candidate, event_id))
    # One job answers both questions about the batch's ids: the earliest event time (the bound's start) and whether any
    # id comes twice. Ranking rows by id shuffles and sorts the whole batch, so it runs only when one does.
    ids = marked.where(F.col("_dedup_id").isNotNull()).agg(
        F.min(F.unix_micros("enqueuedTime")).alias("earliest"),
        F.count(F.lit(1)).alias("ids"),
        F.count_distinct("_dedup_id").alias("distinct_ids"),
    )
    facts = ids.first()
    repeated = F.lit(False)
    if facts["ids"] > facts["distinct_ids"]:
        first_seen = Window.partitionBy("_dedup_id").orderBy("enqueuedTime", "partition", "sequenceNumber", "offset")
        repeated = F.col("_dedup_id").isNotNull() & (F.row_number().over(first_seen) > 1)
    earliest = None if silver is None else facts["earliest"]
    if earliest is not None:
        # A literal, not a join or subquery: Delta skips files by their min/max statistics only for such a predicate.
        since = F.lit(earliest - _HORIZON_MICROS).cast("long")
        recent = silver.where(F.col("timestamp") >= F.timestamp_micros(since))
        batch_ids = marked.where(F.col("_dedup_id").isNotNull()).select(F.col("_dedup_id").alias("event_id")).distinct()
        seen = recent.select("event_id").join(F.broadcast(batch_ids), "event_id", "left_semi").distinct()
        seen = seen.select(F.col("event_id").alias("_seen_id"))
        marked = marked.join(F.broadcast(seen), F.col("_dedup_id") == F.col("_seen_id"), "left")
        repeated = repeated | F.col("_seen_id").isNotNull()
    return marked.withColumn("reason", F.when(repeated, F.lit(DUPLICATE)).otherwise(F.col("reason"))).drop(
        "_dedup_id", "_seen_id"
    )


def valid_events(classified: DataFrame) -> DataFrame:
    """The silver rows: typed fields, the event time from the connector's `enqueuedTime`, and lineage columns.

    `location` is trimmed of Unicode whitespace and put in Unicode NFC, so that one place spelled with a trailing
    no-break space or with a combining accent is one gold row. The seed read `enqueueTime`, which the connector does
    not have, and dropped `location`; both are fixed here.
    """
    columns = {
        "event_id": F.col("event.event_id"),
        "location": trim_whitespace(F.col("event.location")),
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
    valid = classified.where(F.col("reason").isNull()).select(*selected)
    not_ascii = F.col("location").rlike("[^\\x00-\\x7F]")
    # Asked first, in one small job: a plan with a Python UDF starts a Python worker for every partition even when no
    # row reaches it, which costs more than the question on a small micro-batch.
    if valid.where(not_ascii).limit(1).count() == 0:
        return valid
    return valid.where(~not_ascii).unionByName(valid.where(not_ascii).withColumn("location", _nfc_udf("location")))


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


# The columns of a classified batch that valid_events and quarantined_events read.
_WRITTEN = (
    "event",
    "reason",
    "body_text",
    "enqueuedTime",
    "partition",
    "offset",
    "sequenceNumber",
    "partitionKey",
    "ingested_at",
)


@contextmanager
def classified_batch(batch: DataFrame, silver: DataFrame | None) -> Iterator[DataFrame]:
    """The batch's rows with `reason` set (null for a valid event, duplicates included), cached while in use;
    `silver` is the table's rows the duplicate check compares with (None before the table exists).

    Both frames are cached: the duplicate check reads the classified rows twice (its ids and the rows), and both
    writes read the marked rows; without the caches Spark would parse every body and scan silver once per use. Only
    the columns the writes use are kept, so the parse probes are neither cached nor shuffled by the duplicate check.
    """
    classified = classify_events(batch).select(*_WRITTEN).persist()
    marked = mark_duplicates(classified, silver).persist()
    try:
        yield marked
    finally:
        marked.unpersist()
        classified.unpersist()


def write_silver_tables(
    marked: DataFrame,
    valid: DataFrame,
    batch_id: int,
    silver: str,
    quarantine: str,
    app_id: str,
    counts: tuple[int, int] | None = None,
) -> None:
    """Writes a classified batch to both tables, exactly once, with every row in exactly one of them: its valid rows
    (`valid`, which is `valid_events(marked)`; the caller may need them too) and the others.

    Quarantine is written first: until silver's write commits, silver is as it was before this batch, so a replay
    finds the same duplicates and writes the same silver rows. Any other failure fails the batch and the stream.

    `counts`, the batch's (quarantined, valid) rows when the caller has counted them, spares a table with nothing to
    add its write: an empty append changes no row and still costs a Delta commit (about a second on a cold session).
    A replay of the batch has the same counts and skips the same write.
    """
    quarantined_rows, valid_rows = (None, None) if counts is None else counts
    if quarantined_rows != 0:
        write_once(quarantined_events(marked), quarantine, app_id, batch_id)
    if valid_rows != 0:
        write_once(valid, silver, app_id, batch_id)
    step_reached("after-silver", batch_id)  # silver committed (or had nothing to commit), the batch not done


def write_silver_batch(batch: DataFrame, batch_id: int, silver: str, quarantine: str, app_id: str) -> None:
    """Classifies one micro-batch of bronze rows and writes it to silver and quarantine (`write_silver_tables`)."""
    spark = batch.sparkSession
    existing = spark.table(silver) if spark.catalog.tableExists(silver) else None
    with classified_batch(batch, existing) as marked:
        write_silver_tables(marked, valid_events(marked), batch_id, silver, quarantine, app_id)


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
    app_id = checkpoint_key(bronze_stream.sparkSession, checkpoint)
    writer = (
        bronze_stream.writeStream.queryName(name)
        .option("checkpointLocation", checkpoint)
        .foreachBatch(lambda batch, batch_id: write_silver_batch(batch, batch_id, silver, quarantine, app_id))
    )
    return with_trigger(writer, trigger, interval).start()
