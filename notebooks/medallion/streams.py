"""Stream plumbing shared by the notebooks and the local pipeline: checkpoints, triggers, running a query."""

import time
from dataclasses import dataclass

from pyspark.sql.streaming import DataStreamWriter, StreamingQuery

from medallion.widgets import require_choice

TRIGGERS = ("continuous", "availableNow")
# A continuous stream started without an interval polls its source this often (the job passes trigger_seconds).
CONTINUOUS_INTERVAL = "10 seconds"
# A drain runs its micro-batches back to back; each is still bounded by the source's own limit (maxEventsPerTrigger).
DRAIN_INTERVAL = "0 seconds"
# How often a drain looks at the query's status; a batch takes far longer, so this only bounds the stop latency.
_DRAIN_POLL_SECONDS = 0.2


def checkpoint_path(checkpoint_volume: str, layer: str, table: str) -> str:
    """Where one stream checkpoints: `<checkpoint_volume>/<layer>/<table>` (docs/interfaces.md)."""
    return f"{checkpoint_volume.rstrip('/')}/{layer}/{table}"


def with_trigger(writer: DataStreamWriter, trigger: str, interval: str = CONTINUOUS_INTERVAL) -> DataStreamWriter:
    """`availableNow` processes what the source holds and stops; `continuous` polls every `interval` until stopped."""
    require_choice("trigger", trigger, TRIGGERS)
    if trigger == "availableNow":
        return writer.trigger(availableNow=True)
    return writer.trigger(processingTime=interval)


def with_connector_trigger(
    writer: DataStreamWriter, trigger: str, interval: str = CONTINUOUS_INTERVAL, spark=None
) -> DataStreamWriter:
    """The trigger of a stream that reads the Event Hubs connector. The connector cannot run `Trigger.AvailableNow`
    (see `drain`), so a scheduled (`availableNow`) run drains instead: back-to-back processing-time batches, each of
    at most `maxEventsPerTrigger` events, waited for with `finish_connector_stream`. Continuous runs as `with_trigger`.
    `spark`, the query's session, gets `report_empty_triggers` for a drain.
    """
    if require_choice("trigger", trigger, TRIGGERS) == "availableNow":
        if spark is not None:
            report_empty_triggers(spark)
        return writer.trigger(processingTime=DRAIN_INTERVAL)
    return with_trigger(writer, trigger, interval)


@dataclass
class DrainReport:
    """What a drain read: the micro-batches that carried rows and the rows they carried."""

    batches: int
    rows: int


class StreamStalled(Exception):
    """A drain saw no micro-batch complete within its stall timeout: the source does not answer."""


def _read_nothing(progress: dict) -> bool:
    """Whether a trigger's progress shows it found nothing new: every source ended where it started.

    Spark records, for every trigger, the offsets it started from (the last committed ones) and those it read up to;
    a trigger that found no new offsets runs no batch and reports both equal. A batch that read data always moved its
    end offset past its start. Offsets and batch ids are the query's own bookkeeping, the same on every runtime,
    where its status messages are free text that a runtime may word differently.
    """
    sources = progress.get("sources") or []
    return bool(sources) and all(source.get("startOffset") == source.get("endOffset") for source in sources)


def report_empty_triggers(spark) -> None:
    """Makes a query started after this report a trigger that found nothing at once, not after 10 s: Spark reports
    such a trigger only every `spark.sql.streaming.noDataProgressEventInterval` (10 s by default), and the drain
    decides it is caught up from that report. Read when a query starts, so it is set before `start()`."""
    spark.conf.set("spark.sql.streaming.noDataProgressEventInterval", "0")


def drain(
    query: StreamingQuery, stall_timeout: float | None = None, batch_rows: dict[int, int] | None = None
) -> DrainReport:
    """Runs a processing-time query until a trigger finds nothing new, then stops it: a scheduled run that reads
    everything the source held, in micro-batches of at most the source's per-trigger limit.

    Why not `Trigger.AvailableNow`: the Event Hubs connector's source is a Spark v1 `Source` that applies
    `maxEventsPerTrigger` in `getOffset` and does not implement `SupportsTriggerAvailableNow`, so Spark runs a single
    batch (measured: 5,000 events held, `maxEventsPerTrigger` 1,000, `availableNow` -> one batch of 1,000 rows). A
    query that stops by itself (a real `availableNow` source) is also waited for correctly.

    Caught up means: a trigger's progress shows it read nothing (`_read_nothing`). Before its first trigger a query
    has no progress at all, so a drain never stops a query that has not looked at its source yet. The rows are each
    batch's `numInputRows`, or, when `batch_rows` is given, what each batch reported itself by batch id (a
    `foreachBatch` that caches its batch reads the cache, and Spark then counts no input rows).

    `stall_timeout` (seconds): when no micro-batch completes and no trigger finds the source caught up for that long,
    the query is stopped and StreamStalled raised; None waits as long as it takes. A failed query raises its error.
    """
    rows_by_batch: dict[int, int] = {}
    last_change = time.monotonic()
    stalled = None

    def look() -> bool:
        """Records the batches run so far; True once a trigger found nothing new."""
        nonlocal last_change
        caught_up = False
        for progress in query.recentProgress:
            if _read_nothing(progress):
                caught_up = True
            elif progress["batchId"] not in rows_by_batch:
                rows_by_batch[progress["batchId"]] = progress["numInputRows"]
                last_change = time.monotonic()
        return caught_up

    try:
        while query.isActive:
            if look():
                break
            if stall_timeout is not None and time.monotonic() - last_change > stall_timeout:
                stalled = StreamStalled(f"no micro-batch of {query.name} completed within {stall_timeout:g} s")
                break
            time.sleep(_DRAIN_POLL_SECONDS)
    finally:
        if query.isActive:
            try:
                query.stop()
            except Exception:
                # A stream blocked on a source that does not answer may not stop in time; the stall is the news.
                if stalled is None:
                    raise
    if stalled is not None:
        raise stalled
    # A query that failed while being watched, or between the last look and the stop, has its error kept.
    error = query.exception()
    if error is not None:
        raise error
    look()
    if batch_rows is not None:
        rows_by_batch = dict(batch_rows)
    carried = [rows for rows in rows_by_batch.values() if rows > 0]
    return DrainReport(batches=len(carried), rows=sum(carried))


def run_to_end(query: StreamingQuery) -> None:
    """Waits for the query (forever when continuous) and always stops it, also on error or interruption."""
    try:
        query.awaitTermination()
    finally:
        if query.isActive:
            query.stop()


def finish_connector_stream(
    query: StreamingQuery, trigger: str, stall_timeout: float | None = None, batch_rows: dict[int, int] | None = None
):
    """Waits for a query started with `with_connector_trigger`: a scheduled run until the source is drained (returns
    the DrainReport), a continuous one until it is stopped (returns None). The query is always stopped at the end.
    `batch_rows`: each batch's rows as the batch reported them (see `drain`)."""
    if trigger == "availableNow":
        return drain(query, stall_timeout, batch_rows)
    run_to_end(query)
    return None
