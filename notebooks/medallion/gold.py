"""Gold layer: five-minute windows per location, upserted while in progress (update) or appended once closed."""

import uuid

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from medallion.idempotent import write_once
from medallion.schema import GOLD_SCHEMA, NUMERIC_FIELDS
from medallion.streams import CONTINUOUS_INTERVAL, checkpoint_path, with_trigger
from medallion.tables import ensure_table
from medallion.widgets import require_choice

WINDOW = "5 minutes"
WINDOW_MICROS = 5 * 60 * 1_000_000
# How far behind the newest event time a late event is still counted; older windows are final and leave the state.
WATERMARK = "5 minutes"
WATERMARK_MILLIS = 5 * 60 * 1000
OUTPUT_MODES = ("update", "append")


def most_frequent(values: Column) -> Column:
    """The most frequent non-null string of an array; ties go to the alphabetically first value, so the result never
    depends on arrival order (the seed's `F.first` did). Sorting once makes this O(n log n) per window."""

    def tally(best: Column, best_n: Column, current: Column, current_n: Column) -> Column:
        return F.struct(best.alias("best"), best_n.alias("best_n"), current.alias("cur"), current_n.alias("cur_n"))

    def leader(acc: Column) -> Column:
        # Strictly greater: on a tie the value seen first in sorted order keeps the lead.
        return F.when(acc.cur_n > acc.best_n, acc.cur).otherwise(acc.best)

    def step(acc: Column, value: Column) -> Column:
        same = tally(acc.best, acc.best_n, value, acc.cur_n + 1)
        new_run = tally(leader(acc), F.greatest(acc.cur_n, acc.best_n), value, F.lit(1))
        return F.when(value == acc.cur, same).otherwise(new_run)

    empty = tally(F.lit(None).cast("string"), F.lit(0), F.lit(None).cast("string"), F.lit(0))
    return F.aggregate(F.array_sort(values), empty, step, leader)


def summarize_windows(silver: DataFrame) -> DataFrame:
    """Five-minute tumbling windows of event time (`timestamp`) per location: the average of each numeric field
    (nulls ignored), the most frequent `conditions` and `wind_direction`, and the number of events.

    A window is [start, end): an event at exactly 10:05:00 belongs to [10:05, 10:10). On a stream the watermark bounds
    the state; on a batch DataFrame it has no effect, which lets tests call this directly.
    """
    windowed = (
        silver.withWatermark("timestamp", WATERMARK)
        .groupBy(F.window("timestamp", WINDOW).alias("window"), F.col("location"))
        .agg(
            *[F.avg(name).alias(name) for name in NUMERIC_FIELDS],
            F.collect_list("conditions").alias("_conditions"),
            F.collect_list("wind_direction").alias("_wind_directions"),
            F.count(F.lit(1)).alias("events"),
        )
    )
    columns = {
        "location": F.col("location"),
        "start": F.col("window.start"),
        "end": F.col("window.end"),
        **{name: F.col(name) for name in NUMERIC_FIELDS},
        "conditions": most_frequent(F.col("_conditions")),
        "wind_direction": most_frequent(F.col("_wind_directions")),
        "events": F.col("events"),
    }
    return windowed.select(*[columns[field.name].cast(field.dataType).alias(field.name) for field in GOLD_SCHEMA])


def merge_summaries(summaries: DataFrame, table: str) -> None:
    """Upserts window rows into gold, keyed by (location, start), replacing the whole row.

    The rows come from Spark's update-mode aggregation, so each is the full state of its window, not a partial sum:
    replaying a batch after a failure writes the same values again and gold does not change.
    """
    # SQL rather than DeltaTable.forName: the Python builder does not accept three-part Unity Catalog names.
    view = f"gold_updates_{uuid.uuid4().hex}"
    summaries.createOrReplaceTempView(view)
    try:
        summaries.sparkSession.sql(
            f"""MERGE INTO {table} AS gold USING {view} AS updates
                ON gold.location = updates.location AND gold.start = updates.start
                WHEN MATCHED THEN UPDATE SET *
                WHEN NOT MATCHED THEN INSERT *"""
        )
    finally:
        summaries.sparkSession.catalog.dropTempView(view)


def window_start(micros: int) -> int:
    """The start of the five-minute window holding a time (microseconds since the epoch), as `F.window` aligns it."""
    return micros - micros % WINDOW_MICROS


def _from_micros(micros: int) -> str:
    # A literal independent of the session time zone, for predicates Delta parses (replaceWhere).
    return f"timestamp_micros({micros})"


def rewrite_open_windows(silver: DataFrame, table: str, first_start: int, app_id: str, batch_id: int) -> None:
    """Replaces gold's windows starting at or after `first_start` (microseconds) with their summaries of `silver`.

    The single-stream layout's update mode. Every window from `first_start` on is still open (its end is after the
    watermark), so each silver row in it arrived while it was open and counts: the summary of silver's rows is the
    state Spark's streaming aggregation would hold, and rewriting it is idempotent. One overwrite commit replaces the
    range, written once per batch (txnAppId/txnVersion); replaying the batch recomputes the same rows.
    """
    rows = silver.where(F.col("timestamp") >= F.timestamp_micros(F.lit(first_start)))
    replaced = f"start >= {_from_micros(first_start)}"
    write_once(summarize_windows(rows), table, app_id, batch_id, mode="overwrite", replace_where=replaced)


def append_closed_windows(
    silver: DataFrame, table: str, watermark_before: int, watermark_after: int, app_id: str, batch_id: int
) -> None:
    """Appends the windows this batch closed: those whose end is after the old watermark and not after the new one
    (milliseconds, as Spark keeps watermarks). The single-stream layout's append mode; each window is written once."""
    low, high = watermark_before * 1000, watermark_after * 1000
    first_start = window_start(low)
    rows = silver.where(
        (F.col("timestamp") >= F.timestamp_micros(F.lit(first_start)))
        & (F.col("timestamp") < F.timestamp_micros(F.lit(window_start(high))))
    )
    closed = summarize_windows(rows).where(
        (F.col("end") > F.timestamp_micros(F.lit(low))) & (F.col("end") <= F.timestamp_micros(F.lit(high)))
    )
    write_once(closed, table, app_id, batch_id)


def plan_windows(marked: DataFrame, watermark_ms: int) -> dict:
    """Gold's plan for a classified batch (silver's rows with `reason`, null when valid): the watermark in force
    (`watermark_before_ms`), the watermark after the batch (`watermark_ms`), the earliest valid event time gold counts
    (`first_counted`, microseconds: its window ends after the watermark in force; None when there is none), the
    batch's row count (`rows`) and how many of them are valid (`valid_rows`, silver's share; the rest are quarantined).
    The single-stream layout's stand-in for Spark's watermark."""
    # Silver's `timestamp` is the connector's enqueuedTime; Spark's watermark keeps milliseconds.
    micros = F.unix_micros(F.col("enqueuedTime"))
    valid = F.col("reason").isNull()
    counted = valid & (F.floor(micros / WINDOW_MICROS) * WINDOW_MICROS + WINDOW_MICROS > watermark_ms * 1000)
    times = marked.agg(
        F.min(F.when(counted, micros)).alias("first_counted"),
        F.max(F.when(valid, F.floor(micros / 1000))).alias("newest_ms"),
        F.count(F.lit(1)).alias("rows"),
        F.count(F.when(valid, F.lit(1))).alias("valid_rows"),
    ).first()
    newest_ms = times["newest_ms"]
    after = watermark_ms if newest_ms is None else max(watermark_ms, newest_ms - WATERMARK_MILLIS)
    return {
        "watermark_before_ms": watermark_ms,
        "watermark_ms": after,
        "first_counted": times["first_counted"],
        "rows": times["rows"],
        "valid_rows": times["valid_rows"],
    }


def write_planned_windows(silver: DataFrame, table: str, output_mode: str, plan: dict, app_id: str, batch_id: int):
    """Writes gold's windows for a batch planned by `plan_windows`, from `silver` as it is once the batch is in:
    `update` rewrites the windows still open from the first counted event on; `append` adds the windows the batch's
    watermark closed. Nothing is written when the batch moves neither."""
    if output_mode == "update":
        if plan["first_counted"] is not None:
            rewrite_open_windows(silver, table, window_start(plan["first_counted"]), app_id, batch_id)
    elif plan["watermark_ms"] > plan["watermark_before_ms"]:
        before, after = plan["watermark_before_ms"], plan["watermark_ms"]
        append_closed_windows(silver, table, before, after, app_id, batch_id)


def start_gold(
    silver_stream: DataFrame,
    table: str,
    checkpoint_volume: str,
    trigger: str,
    output_mode: str = "update",
    name: str = "gold_weather_summary",
    interval: str = CONTINUOUS_INTERVAL,
):
    """Streams silver into gold, checkpointing in `<checkpoint_volume>/gold/weather_summary`.

    `update` upserts in-progress windows on every trigger (fresh within one trigger); `append` writes a window once
    the watermark has passed its end, at least five minutes after it closes.
    """
    require_choice("gold_output_mode", output_mode, OUTPUT_MODES)
    ensure_table(silver_stream.sparkSession, table, GOLD_SCHEMA)
    writer = (
        summarize_windows(silver_stream)
        .writeStream.queryName(name)
        .option("checkpointLocation", checkpoint_path(checkpoint_volume, "gold", "weather_summary"))
    )
    if output_mode == "update":
        writer = writer.outputMode("update").foreachBatch(lambda batch, _batch_id: merge_summaries(batch, table))
    else:
        writer = writer.outputMode("append").format("delta")
    writer = with_trigger(writer, trigger, interval)
    return writer.start() if output_mode == "update" else writer.toTable(table)
