"""The local source's line format, checked before Spark starts: every field with the type and range Spark reads it as.

What passes `check_lines` cannot fail in Spark's JSON reader (FAILFAST) or in the bronze write; what the Event Hubs
service itself could never deliver (a time Parquet cannot store, a sequence number beyond 64 bits, a body larger than
an event) is refused here with the file and line, since the real connector never produces it. A malformed *body* is
not refused: it is data, and silver quarantines it.
"""

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

from medallion.schema import LINE_SCHEMA, TIMESTAMP_RANGE

FIELDS = tuple(LINE_SCHEMA.fieldNames())
_KNOWN = frozenset(FIELDS)
TEXT_FIELDS = ("partition", "offset", "publisher", "partitionKey")
MAP_FIELDS = ("properties", "systemProperties")
# Spark's LongType.
SEQUENCE_RANGE = (-(2**63), 2**63 - 1)
# The largest event Event Hubs accepts is 1 MB (Premium and Dedicated; 256 KB on Basic and Standard), so no string of
# a connector row is longer; it also keeps every string far below the JSON parser's 20,000,000-character limit.
MAX_TEXT_BYTES = 1024 * 1024
# Spark's cast to timestamp accepts this ISO 8601 profile (and more); Python's fromisoformat accepts forms Spark turns
# into null (2026-01-01T10:00Z), so the check uses this one pattern. Digits beyond microseconds are dropped by both.
_ISO_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)
_EPOCH = datetime(1970, 1, 1)
# A zone offset beyond ±18:00 is refused by Java's ZoneOffset, so Spark reads such a time as null.
_MAX_OFFSET_MINUTES = 18 * 60
# Lines are separated as Spark's reader separates them (\n, \r\n, \r); a line of only JSON whitespace holds no row.
_JSON_WHITESPACE = " \t\r\n"
EXAMPLE_TIME = "2026-01-01T10:00:00Z"


class InputError(Exception):
    """The input cannot be read as connector rows; the message names the file, and the line when there is one."""


def iso_micros(text: str) -> int | None:
    """Microseconds since the epoch of an ISO 8601 time `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` (no zone = UTC),
    exactly as Spark's cast reads it; None when Spark would not read it as a time."""
    match = _ISO_TIME.fullmatch(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    micros = int((match[7] or "")[:6].ljust(6, "0"))
    try:
        local = datetime(year, month, day, hour, minute, second, micros)
    except ValueError:
        return None
    offset_minutes = 0
    zone = match[8]
    if zone and zone != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if minutes > 59 or hours * 60 + minutes > _MAX_OFFSET_MINUTES:
            return None
        offset_minutes = (hours * 60 + minutes) * (1 if zone[0] == "+" else -1)
    return (local - _EPOCH) // timedelta(microseconds=1) - offset_minutes * 60_000_000


def require_file(path: Path) -> Path:
    """`path`, unless it is a directory or does not exist (InputError naming it)."""
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give a file of connector rows")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    return path


def check_lines(path: Path) -> int:
    """Checks every line of a local source file; returns the number of events (0 for an empty file)."""
    require_file(path)
    events = 0
    try:
        with path.open(encoding="utf-8", errors="strict") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip(_JSON_WHITESPACE):
                    check_line(line, f"{path}:{number}")
                    events += 1
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None
    return events


def check_line(line: str, where: str) -> None:
    """Raises an InputError starting with `where` unless `line` is one connector row Spark reads as it is."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"{where}: not a JSON object ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise InputError(f"{where}: nested too deeply to be a connector row") from None
    except ValueError as error:
        # Python refuses integers of more than 4300 digits; no field of a connector row holds one.
        raise InputError(f"{where}: holds a number too long to be a connector field ({error})") from None
    if not isinstance(row, dict):
        raise InputError(f"{where}: not a JSON object (got a JSON {_json_type(row)})")
    if not _KNOWN.issuperset(row):
        unknown = next(key for key in row if key not in _KNOWN)
        raise InputError(f'{where}: unknown field "{unknown}"; a connector row has only {", ".join(FIELDS)}')
    body = row.get("body")
    if not isinstance(body, str):
        raise InputError(f'{where}: "body" must be a string holding the event (got {_json_type(body)})')
    _check_text(body, "body", where)
    _check_time(row.get("enqueuedTime"), where)
    for key in TEXT_FIELDS:
        value = row.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise InputError(f'{where}: "{key}" must be a string (got {_json_type(value)} {_short(value)})')
            _check_text(value, key, where)
    _check_sequence_number(row.get("sequenceNumber"), where)
    for key in MAP_FIELDS:
        _check_map(row.get(key), key, where)


def _check_time(moment, where: str) -> None:
    if moment is None:
        raise InputError(f'{where}: "enqueuedTime" is missing; expected an ISO 8601 time such as {EXAMPLE_TIME}')
    if not isinstance(moment, str):
        raise InputError(f'{where}: "enqueuedTime" must be a string such as {EXAMPLE_TIME} (got {_json_type(moment)})')
    micros = iso_micros(moment)
    if micros is None:
        raise InputError(
            f'{where}: "enqueuedTime" is not an ISO 8601 time YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM] '
            f"(got {_short(moment)})"
        )
    earliest, latest = TIMESTAMP_RANGE
    if not earliest.micros <= micros <= latest.micros:
        raise InputError(
            f'{where}: "enqueuedTime" {moment} is outside [{earliest.text}, {latest.text}], '
            "the times a Delta table stores (Event Hubs stamps the time it received the event)"
        )


def _check_sequence_number(value, where: str) -> None:
    if value is None:
        return
    low, high = SEQUENCE_RANGE
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError(f'{where}: "sequenceNumber" must be an integer (got {_json_type(value)} {_short(value)})')
    if not low <= value <= high:
        raise InputError(f'{where}: "sequenceNumber" must be a 64-bit integer in [{low}, {high}] (got {_short(value)})')


def _check_map(value, key: str, where: str) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise InputError(f'{where}: "{key}" must be an object of strings (got {_json_type(value)})')
    for name, item in value.items():
        _check_text(name, f"{key} key", where)
        if item is not None:
            if not isinstance(item, str):
                raise InputError(f'{where}: "{key}.{name}" must be a string (got {_json_type(item)})')
            _check_text(item, f"{key}.{name}", where)


def _check_text(text: str, name: str, where: str) -> None:
    if text.isascii() and len(text) <= MAX_TEXT_BYTES:
        return  # the common case, without encoding: ASCII is one byte a character and has no surrogates
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        # JSON escapes can spell half of a surrogate pair, which is no character: it cannot be stored as UTF-8.
        raise InputError(
            f'{where}: "{name}" is not valid Unicode text (a lone surrogate escape such as \\ud800)'
        ) from None
    if size > MAX_TEXT_BYTES:
        raise InputError(
            f'{where}: "{name}" is {size} bytes; an Event Hubs event is at most {MAX_TEXT_BYTES} bytes (1 MB)'
        )


def _json_type(value) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} characters)"
