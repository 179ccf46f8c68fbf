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
    writer: DataStreamWriter, trigger: str, interval: str = CONTINUOUS_INTERVAL
) -> DataStreamWriter:
    """The trigger of a stream that reads the Event Hubs connector. The connector cannot run `Trigger.AvailableNow`
    (see `drain`), so a scheduled (`availableNow`) run drains instead: back-to-back processing-time batches, each of
    at most `maxEventsPerTrigger` events, waited for with `finish_connector_stream`. Continuous runs as `with_trigger`.
    """
    if require_choice("trigger", trigger, TRIGGERS) == "availableNow":
        return writer.trigger(processingTime=DRAIN_INTERVAL)
    return with_trigger(writer, trigger, interval)


@dataclass
class DrainReport:
    """What a drain read: the micro-batches that carried rows and the rows they carried."""

    batches: int
    rows: int


class StreamStalled(Exception):
    """A drain saw no micro-batch complete within its stall timeout: the source does not answer."""


# The status messages Spark 3.5's MicroBatchExecution sets once a trigger has run: while it sleeps after a trigger that
# found nothing, and between triggers.
_AFTER_A_TRIGGER = ("Waiting for data to arrive", "Waiting for next trigger")


def _caught_up(status: dict) -> bool:
    # Spark sets isDataAvailable per trigger, before running the batch; a trigger that found no new offsets leaves it
    # False with the trigger finished. Before the first trigger the status reports no data and no trigger too
    # ("Initializing StreamExecution" until the query's thread starts, which can be after start() returned, then
    # "Initializing sources"), and so does a query that failed or was stopped: only a status set after a trigger
    # counts, so a drain never stops a query that has not looked at its source yet.
    finished_a_trigger = status["message"] in _AFTER_A_TRIGGER
    return finished_a_trigger and not status["isDataAvailable"] and not status["isTriggerActive"]


def drain(query: StreamingQuery, stall_timeout: float | None = None) -> DrainReport:
    """Runs a processing-time query until a trigger finds nothing new, then stops it: a scheduled run that reads
    everything the source held, in micro-batches of at most the source's per-trigger limit.

    Why not `Trigger.AvailableNow`: the Event Hubs connector's source is a Spark v1 `Source` that applies
    `maxEventsPerTrigger` in `getOffset` and does not implement `SupportsTriggerAvailableNow`, so Spark runs a single
    batch (measured: 5,000 events held, `maxEventsPerTrigger` 1,000, `availableNow` -> one batch of 1,000 rows). A
    query that stops by itself (a real `availableNow` source) is also waited for correctly.

    `stall_timeout` (seconds): when no micro-batch completes and no trigger finds the source caught up for that long,
    the query is stopped and StreamStalled raised; None waits as long as it takes. A failed query raises its error.
    """
    rows_by_batch: dict[int, int] = {}
    last_change = time.monotonic()
    stalled = None
    try:
        while query.isActive:
            for progress in query.recentProgress:
                if progress["batchId"] not in rows_by_batch:
                    rows_by_batch[progress["batchId"]] = progress["numInputRows"]
                    last_change = time.monotonic()
            if _caught_up(query.status):
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
    for progress in query.recentProgress:
        rows_by_batch.setdefault(progress["batchId"], progress["numInputRows"])
    carried = [rows for rows in rows_by_batch.values() if rows > 0]
    return DrainReport(batches=len(carried), rows=sum(carried))


def run_to_end(query: StreamingQuery) -> None:
    """Waits for the query (forever when continuous) and always stops it, also on error or interruption."""
    try:
        query.awaitTermination()
    finally:
        if query.isActive:
            query.stop()


def finish_connector_stream(query: StreamingQuery, trigger: str, stall_timeout: float | None = None):
    """Waits for a query started with `with_connector_trigger`: a scheduled run until the source is drained (returns
    the DrainReport), a continuous one until it is stopped (returns None). The query is always stopped at the end."""
    if trigger == "availableNow":
        return drain(query, stall_timeout)
    run_to_end(query)
    return None
