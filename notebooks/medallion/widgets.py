"""Checks of the notebooks' parameters (widgets): each returns the checked value or raises naming the parameter."""

import re

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


def require_choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """Returns `value` if it is one of `allowed`, else raises naming the parameter and what is allowed."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def trigger_interval(seconds: int) -> str:
    """The processing-time interval of a continuous stream triggered every `seconds` seconds."""
    return f"{seconds} second" if seconds == 1 else f"{seconds} seconds"


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
