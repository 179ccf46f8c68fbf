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

A reset (the checkpoint deleted) deletes the log with it. The new checkpoint's first batch then starts from the
watermark silver implies (`resume_watermark`), not from 0: gold neither appends the windows it already closed again
(append) nor counts events that were late when they arrived (update).
"""

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from medallion.gold import OUTPUT_MODES, WATERMARK_MILLIS, plan_windows, write_planned_windows
from medallion.idempotent import checkpoint_key, step_reached, write_once
from medallion.parallel import in_session, run_together
from medallion.silver import classified_batch, valid_events, write_silver_tables
from medallion.streams import CONTINUOUS_INTERVAL, checkpoint_path, with_connector_trigger
from medallion.tables import MedallionTables
from medallion.widgets import require_choice

# Entries older than this many batches are removed; Spark keeps 100 batches of its own logs by default.
_ENTRIES_KEPT = 100


class BatchLog:
    """What gold's step of each batch was planned on, one small JSON file per batch id in `directory` (a local or
    /Volumes path): the watermark after the batch and the earliest event time it lets gold count.

    An entry is written before silver's write. A batch replayed after silver committed would find its own rows in
    silver and mark them all duplicates, so it takes gold's plan from its entry instead of recomputing it; a batch
    replayed earlier recomputes the same plan. The watermark in force for a batch is its predecessor's entry (0 before
    the first: 0 as Spark starts, or `initial_ms` for a new checkpoint over tables an earlier one wrote).
    """

    def __init__(self, directory: str, initial_ms: int = 0):
        self.directory = Path(directory)
        self.initial_ms = initial_ms

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
        return self.initial_ms if previous is None else previous["watermark_ms"]

    def write(self, batch_id: int, entry: dict) -> None:
        """Stores the entry of `batch_id` (whole or not at all) and drops entries long past."""
        self.directory.mkdir(parents=True, exist_ok=True)
        staged = self.directory / f".{batch_id}.tmp"
        staged.write_text(json.dumps(entry))
        step_reached("batch-log", batch_id)  # the entry staged, not yet in place
        os.replace(staged, self.directory / str(batch_id))
        for old in self._entries():
            if int(old.name) <= batch_id - _ENTRIES_KEPT:
                old.unlink(missing_ok=True)

    def is_empty(self) -> bool:
        """True when no batch has an entry: a new checkpoint, or one reset since."""
        return not self._entries()

    def _entries(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return [entry for entry in self.directory.iterdir() if entry.name.isdigit()]


def resume_watermark(spark, silver: str) -> int:
    """The watermark (milliseconds) the batches that wrote `silver` left: its newest event time minus five minutes,
    0 when it is empty. Every batch moves the watermark to the newest valid event time it saw minus five minutes,
    and every valid event is in silver, so this is the watermark the last committed batch left, whatever checkpoint
    wrote it. (Gold's newest window end is only a bound: in append mode at or before the watermark, in update mode
    after it.)

    A silver whose only commit is its CREATE TABLE (`medallion.tables`, a new lakehouse) holds no rows: its
    history says so from the log alone, without the query, which on a cold session costs more than the whole check.
    """
    if created_empty(newest_commit(spark, silver)):
        return 0
    newest = spark.table(silver).agg(F.max(F.floor(F.unix_micros("timestamp") / 1000)).alias("ms")).first()["ms"]
    return 0 if newest is None else max(0, int(newest) - WATERMARK_MILLIS)


def newest_commit(spark, table: str):
    """The newest commit of a Delta table, its `version` and `operation` among others (DESCRIBE HISTORY reads only
    the table's log)."""
    return spark.sql(f"DESCRIBE HISTORY {table} LIMIT 1").first()


def created_empty(commit) -> bool:
    """Whether a table whose newest commit is `commit` holds no rows because its only commit is the CREATE TABLE that
    made it empty (`medallion.tables`). A runtime that names the operation otherwise only loses the shortcut."""
    return commit["version"] == 0 and commit["operation"] == "CREATE TABLE"


def write_medallion_batch(
    batch: DataFrame, batch_id: int, tables: MedallionTables, app_id: str, gold_mode: str, log: BatchLog
) -> int:
    """Writes one micro-batch of bronze rows (the connector's columns and `ingested_at`) to all four tables; returns
    how many rows it had.

    Every step reads silver as it was when the batch was first planned (the version kept in the batch's entry), so
    the four writes do not depend on each other's commits and run side by side: Spark runs their jobs together on
    the cluster's cores, and the batch takes about as long as its slowest write instead of the sum of four. A silver
    that was only created, with no rows yet (the entry's `silver_empty`), is not read at all: planning a read of a
    Delta table costs a cold session about a second, and there is nothing in it to compare with.
    """
    spark = batch.sparkSession
    rows = batch.persist()
    try:
        bronze = ThreadPoolExecutor(max_workers=1)
        bronze_write = bronze.submit(in_session(spark, lambda: write_once(rows, tables.bronze, app_id, batch_id)))
        try:
            plan = log.read(batch_id)
            if plan is None:
                commit = newest_commit(spark, tables.silver)
                version, silver_empty = commit["version"], created_empty(commit)
            else:
                # An entry written before `silver_empty` existed reads silver, as it did then.
                version, silver_empty = plan["silver_version"], plan.get("silver_empty", False)
            silver_before = (
                None if silver_empty else spark.sql(f"SELECT * FROM {tables.silver} VERSION AS OF {version}")
            )
            with classified_batch(rows, silver_before) as marked:
                if plan is None:
                    plan = {"silver_version": version, "silver_empty": silver_empty}
                    plan.update(plan_windows(marked, log.watermark_before(batch_id)))
                    log.write(batch_id, plan)
                # Silver as it is once this batch is in: the rows before it and the batch's valid rows. A replay of a
                # batch whose silver write committed finds the same rows, since its own rows then count as repeats.
                # valid_events asks Spark whether any location needs Unicode normalization: once, for both writes.
                valid = valid_events(marked)
                silver_after = valid if silver_before is None else silver_before.unionByName(valid)
                # An entry written before `valid_rows` existed writes both tables, as it did then.
                counts = (plan["rows"] - plan["valid_rows"], plan["valid_rows"]) if "valid_rows" in plan else None
                run_together(
                    spark,
                    lambda: write_silver_tables(
                        marked, valid, batch_id, tables.silver, tables.quarantine, app_id, counts
                    ),
                    lambda: write_planned_windows(silver_after, tables.gold, gold_mode, plan, app_id, batch_id),
                )
        finally:
            bronze.shutdown(wait=True)
        bronze_write.result()
    finally:
        rows.unpersist()
    return plan["rows"]


def start_single_stream(
    bronze_rows: DataFrame,
    tables: MedallionTables,
    checkpoint_volume: str,
    trigger: str,
    gold_mode: str = "update",
    name: str = "medallion_weather",
    interval: str = CONTINUOUS_INTERVAL,
    batch_rows: dict[int, int] | None = None,
):
    """Streams bronze rows (`bronze.to_bronze` of a source) through all four tables, checkpointing in
    `<checkpoint_volume>/pipeline/weather`; returns the query.

    A scheduled (`availableNow`) run drains the source, as every stream reading the connector does
    (`streams.with_connector_trigger`); wait for it with `streams.finish_connector_stream`. `batch_rows`, when
    given, gets each batch's row count by batch id: Spark's progress reports no input rows for this stream, since its
    batch is cached and every job reads the cache, not the plan Spark measures.
    """
    require_choice("gold_output_mode", gold_mode, OUTPUT_MODES)
    spark = bronze_rows.sparkSession
    checkpoint = checkpoint_path(checkpoint_volume, "pipeline", "weather")
    log = BatchLog(f"{checkpoint}/gold_plans")
    if log.is_empty():
        log.initial_ms = resume_watermark(spark, tables.silver)
    app_id = checkpoint_key(spark, checkpoint)
    counts = {} if batch_rows is None else batch_rows

    def write(batch: DataFrame, batch_id: int) -> None:
        counts[batch_id] = write_medallion_batch(batch, batch_id, tables, app_id, gold_mode, log)

    writer = bronze_rows.writeStream.queryName(name).option("checkpointLocation", checkpoint).foreachBatch(write)
    return with_connector_trigger(writer, trigger, interval, spark).start()
