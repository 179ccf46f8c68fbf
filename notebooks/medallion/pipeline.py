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
checkpoint, one small file per batch (`WatermarkLog`), so a restart or a replay sees the watermark that batch saw.
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

# Watermark files older than this many batches are removed; Spark keeps 100 batches of its own logs by default.
_WATERMARKS_KEPT = 100


@dataclass(frozen=True)
class MedallionTables:
    """The four tables one stream writes."""

    bronze: str
    silver: str
    quarantine: str
    gold: str


class WatermarkLog:
    """Gold's event-time watermark after each batch, one file per batch id in `directory` (a local or /Volumes path).

    A batch reads the watermark its predecessors left (0 before the first, as Spark starts) and records its own; a
    replayed batch finds its predecessor's entry unchanged, so it computes what the first attempt computed.
    """

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def before(self, batch_id: int) -> int:
        """The watermark (milliseconds since the epoch) in force while `batch_id` runs."""
        previous = self.directory / str(batch_id - 1)
        if previous.is_file():
            return json.loads(previous.read_text())["watermark_ms"]
        earlier = [int(entry.name) for entry in self._entries() if int(entry.name) < batch_id]
        if not earlier:
            return 0
        return json.loads((self.directory / str(max(earlier))).read_text())["watermark_ms"]

    def record(self, batch_id: int, watermark_ms: int) -> None:
        """Stores the watermark after `batch_id` (written whole or not at all) and drops entries long past."""
        self.directory.mkdir(parents=True, exist_ok=True)
        staged = self.directory / f".{batch_id}.tmp"
        staged.write_text(json.dumps({"watermark_ms": watermark_ms}))
        os.replace(staged, self.directory / str(batch_id))
        for entry in self._entries():
            if int(entry.name) <= batch_id - _WATERMARKS_KEPT:
                entry.unlink(missing_ok=True)

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


def write_medallion_batch(
    batch: DataFrame, batch_id: int, tables: MedallionTables, app_id: str, gold_mode: str, watermarks: WatermarkLog
) -> None:
    """Writes one micro-batch of bronze rows (the connector's columns and `ingested_at`) to all four tables."""
    spark = batch.sparkSession
    rows = batch.persist()
    try:
        append_once(rows, tables.bronze, app_id, batch_id)
        watermark = watermarks.before(batch_id)
        with classified_batch(rows, tables.silver) as marked:
            # Read before silver's write: Spark re-caches a cached plan that reads a table it writes, and the marked
            # rows, recomputed against silver with this batch in it, would all be duplicates.
            times = _event_times(marked, watermark)
            write_silver_tables(marked, batch_id, tables.silver, tables.quarantine, app_id)
        newest_ms = times["newest_ms"]
        after = watermark if newest_ms is None else max(watermark, newest_ms - WATERMARK_MILLIS)
        silver = spark.table(tables.silver)
        if gold_mode == "update":
            if times["first_counted"] is not None:
                rewrite_open_windows(silver, tables.gold, window_start(times["first_counted"]), app_id, batch_id)
        elif after > watermark:
            append_closed_windows(silver, tables.gold, watermark, after, app_id, batch_id)
        watermarks.record(batch_id, after)
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
    watermarks = WatermarkLog(f"{checkpoint}/gold_watermark")
    writer = (
        bronze_rows.writeStream.queryName(name)
        .option("checkpointLocation", checkpoint)
        .foreachBatch(
            lambda batch, batch_id: write_medallion_batch(batch, batch_id, tables, checkpoint, gold_mode, watermarks)
        )
    )
    if trigger == "availableNow":
        return writer.trigger(processingTime=DRAIN_INTERVAL).start()
    return with_trigger(writer, trigger, interval).start()
