"""The single-stream layout: one stream whose every micro-batch writes bronze, silver, quarantine and gold.

The layered layout chains three streams through Delta tables, so an event waits for three triggers and three commits
before gold counts it, and every row is written and read back twice on the way. Here the connector's rows are read
once and each micro-batch goes through all four tables in order, each write done once per batch (Delta's
txnAppId/txnVersion), so a batch replayed after a failure changes nothing that already committed:

1. bronze: the batch as read;
2. quarantine, then silver: the silver rules, the duplicate check against silver as it was before this batch;
3. gold: the windows this batch touched, summarized from silver (update), or the windows its watermark closed (append).

Gold's watermark is Spark's: the newest event time of earlier batches minus five minutes, in milliseconds. A valid
event whose window ended at or before it is late: it stays in silver and gold does not count it, as the streaming
aggregation drops it. Spark keeps a stateful query's watermark in its checkpoint; this stream keeps it beside its
checkpoint, one small file per batch (`BatchLog`), so a restart or a replay sees the watermark that batch saw.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from medallion.gold import (
    OUTPUT_MODES,
    WATERMARK_MILLIS,
    WINDOW_MICROS,
    append_closed_windows,
    rewrite_open_windows,
    window_start,
)
from medallion.silver import append_once, classified_batch, write_silver_tables
from medallion.streams import CONTINUOUS_INTERVAL, DRAIN_INTERVAL, checkpoint_path, require_choice, with_trigger

# Entries older than this many batches are removed; Spark keeps 100 batches of its own logs by default.
_ENTRIES_KEPT = 100


@dataclass(frozen=True)
class MedallionTables:
    """The four tables one stream writes."""

    bronze: str
    silver: str
    quarantine: str
    gold: str


class BatchLog:
    """What gold's step of each batch was planned on, one small JSON file per batch id in `directory` (a local or
    /Volumes path): the watermark after the batch and the earliest event time it lets gold count.

    An entry is written before silver's write. A batch replayed after silver committed would find its own rows in
    silver and mark them all duplicates, so it takes gold's plan from its entry instead of recomputing it; a batch
    replayed earlier recomputes the same plan. The watermark in force for a batch is its predecessor's entry (0 before
    the first, as Spark starts).
    """

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def read(self, batch_id: int) -> dict | None:
        """The entry of `batch_id`, or None when it has none."""
        entry = self.directory / str(batch_id)
        return json.loads(entry.read_text()) if entry.is_file() else None

    def watermark_before(self, batch_id: int) -> int:
        """The watermark (milliseconds since the epoch) in force while `batch_id` runs."""
        previous = self.read(batch_id - 1)
        if previous is None:
            earlier = [int(entry.name) for entry in self._entries() if int(entry.name) < batch_id]
            previous = self.read(max(earlier)) if earlier else None
        return 0 if previous is None else previous["watermark_ms"]

    def write(self, batch_id: int, entry: dict) -> None:
        """Stores the entry of `batch_id` (whole or not at all) and drops entries long past."""
        self.directory.mkdir(parents=True, exist_ok=True)
        staged = self.directory / f".{batch_id}.tmp"
        staged.write_text(json.dumps(entry))
        os.replace(staged, self.directory / str(batch_id))
        for old in self._entries():
            if int(old.name) <= batch_id - _ENTRIES_KEPT:
                old.unlink(missing_ok=True)

    def _entries(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return [entry for entry in self.directory.iterdir() if entry.name.isdigit()]


def _event_times(marked: DataFrame, watermark_ms: int):
    """The earliest valid event time gold counts (its window ends after the watermark) and the newest valid event time
    in milliseconds, the two figures gold's step needs; both null when the batch has no valid event."""
    # Silver's `timestamp` is the connector's enqueuedTime; Spark's watermark keeps milliseconds.
    micros = F.unix_micros(F.col("enqueuedTime"))
    counted = F.floor(micros / WINDOW_MICROS) * WINDOW_MICROS + WINDOW_MICROS > watermark_ms * 1000
    return (
        marked.where(F.col("reason").isNull())
        .agg(F.min(F.when(counted, micros)).alias("first_counted"), F.max(F.floor(micros / 1000)).alias("newest_ms"))
        .first()
    )


def _plan_gold(marked: DataFrame, watermark_ms: int) -> dict:
    """Gold's plan for a batch: the watermark after it and the earliest valid event time gold counts (its window
    ends after the watermark in force; None when there is none)."""
    # Silver's `timestamp` is the connector's enqueuedTime; Spark's watermark keeps milliseconds.
    micros = F.unix_micros(F.col("enqueuedTime"))
    counted = F.floor(micros / WINDOW_MICROS) * WINDOW_MICROS + WINDOW_MICROS > watermark_ms * 1000
    times = (
        marked.where(F.col("reason").isNull())
        .agg(F.min(F.when(counted, micros)).alias("first_counted"), F.max(F.floor(micros / 1000)).alias("newest_ms"))
        .first()
    )
    newest_ms = times["newest_ms"]
    after = watermark_ms if newest_ms is None else max(watermark_ms, newest_ms - WATERMARK_MILLIS)
    return {"watermark_before_ms": watermark_ms, "watermark_ms": after, "first_counted": times["first_counted"]}


def write_medallion_batch(
    batch: DataFrame, batch_id: int, tables: MedallionTables, app_id: str, gold_mode: str, log: BatchLog
) -> None:
    """Writes one micro-batch of bronze rows (the connector's columns and `ingested_at`) to all four tables."""
    spark = batch.sparkSession
    rows = batch.persist()
    try:
        append_once(rows, tables.bronze, app_id, batch_id)
        with classified_batch(rows, tables.silver) as marked:
            plan = log.read(batch_id)
            if plan is None:
                # Planned before silver's write: Spark re-caches a cached plan that reads a table it writes, so the
                # marked rows, recomputed against silver with this batch in it, would all be duplicates.
                plan = _plan_gold(marked, log.watermark_before(batch_id))
                log.write(batch_id, plan)
            write_silver_tables(marked, batch_id, tables.silver, tables.quarantine, app_id)
        silver = spark.table(tables.silver)
        if gold_mode == "update":
            if plan["first_counted"] is not None:
                rewrite_open_windows(silver, tables.gold, window_start(plan["first_counted"]), app_id, batch_id)
        elif plan["watermark_ms"] > plan["watermark_before_ms"]:
            before, after = plan["watermark_before_ms"], plan["watermark_ms"]
            append_closed_windows(silver, tables.gold, before, after, app_id, batch_id)
    finally:
        rows.unpersist()


def start_pipeline(
    bronze_rows: DataFrame,
    tables: MedallionTables,
    checkpoint_volume: str,
    trigger: str,
    gold_mode: str = "update",
    name: str = "medallion_weather",
    interval: str = CONTINUOUS_INTERVAL,
):
    """Streams bronze rows (`bronze.to_bronze` of a source) through all four tables, checkpointing in
    `<checkpoint_volume>/pipeline/weather`; returns the query.

    A scheduled (`availableNow`) run drains the source in back-to-back micro-batches, as the bronze stream does, since
    the Event Hubs connector cannot run `Trigger.AvailableNow`: wait for it with `streams.drain`.
    """
    require_choice("gold_output_mode", gold_mode, OUTPUT_MODES)
    checkpoint = checkpoint_path(checkpoint_volume, "pipeline", "weather")
    log = BatchLog(f"{checkpoint}/gold_plans")
    writer = (
        bronze_rows.writeStream.queryName(name)
        .option("checkpointLocation", checkpoint)
        .foreachBatch(
            lambda batch, batch_id: write_medallion_batch(batch, batch_id, tables, checkpoint, gold_mode, log)
        )
    )
    if trigger == "availableNow":
        return writer.trigger(processingTime=DRAIN_INTERVAL).start()
    return with_trigger(writer, trigger, interval).start()
