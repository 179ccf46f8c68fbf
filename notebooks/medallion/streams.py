"""Stream plumbing shared by the notebooks and the local pipeline: checkpoints, triggers, running a query."""

import re

from pyspark.sql.streaming import DataStreamWriter, StreamingQuery

TRIGGERS = ("continuous", "availableNow")
# A continuous job polls the source on this interval; short enough for fresh gold, long enough for few small files.
CONTINUOUS_INTERVAL = "10 seconds"
_VOLUME_PATH = re.compile(r"^/Volumes/[^/]+/[^/]+/[^/]+/?$")


def require_volume_path(path: str) -> str:
    """Returns the checkpoint volume path without a trailing slash, or raises if it is not a Unity Catalog volume.

    Checkpoints under /mnt (DBFS mounts) are legacy with Unity Catalog; a volume keeps them governed and portable.
    """
    if not _VOLUME_PATH.match(path or ""):
        raise ValueError(
            f"checkpoint_volume must be a Unity Catalog volume path /Volumes/<catalog>/<schema>/<volume> (got {path!r})"
        )
    return path.rstrip("/")


def checkpoint_path(checkpoint_volume: str, layer: str, table: str) -> str:
    """Where one stream checkpoints: `<checkpoint_volume>/<layer>/<table>` (docs/interfaces.md)."""
    return f"{checkpoint_volume.rstrip('/')}/{layer}/{table}"


def require_choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """Returns `value` if it is one of `allowed`, else raises naming the parameter and what is allowed."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def with_trigger(writer: DataStreamWriter, trigger: str, interval: str = CONTINUOUS_INTERVAL) -> DataStreamWriter:
    """`availableNow` processes what the source holds and stops; `continuous` polls every `interval` until stopped."""
    require_choice("trigger", trigger, TRIGGERS)
    if trigger == "availableNow":
        return writer.trigger(availableNow=True)
    return writer.trigger(processingTime=interval)


def run_to_end(query: StreamingQuery) -> None:
    """Waits for the query (forever when continuous) and always stops it, also on error or interruption."""
    try:
        query.awaitTermination()
    finally:
        if query.isActive:
            query.stop()


def require_text(name: str, value: str) -> str:
    """Returns the parameter's value stripped, or raises naming the parameter when it is empty."""
    if not (value or "").strip():
        raise ValueError(f"{name} is required (got an empty value)")
    return value.strip()


def require_positive_int(name: str, value: str) -> int:
    """Parses a positive integer parameter, or raises naming it and what it got."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ValueError(f"{name} must be a positive integer (got {value!r})")
    return number
