"""What the benchmark scripts share: timestamped progress lines, the load average, and a table's rows in a form that
compares across runs whose sums ran in another order."""

import os
import sys
from datetime import UTC, datetime

# Digits a double keeps when two runs' tables are compared: an average's last bits depend on the order Spark sums its
# rows in, which neither the batch's plan nor the code fixes (for example 11.787704918032787 against 11.78770491803279).
DOUBLE_DIGITS = 9


def log(message: str) -> None:
    """A progress line on stderr with the UTC time, so a long run can be followed and its phases timed."""
    print(f"[{datetime.now(UTC).strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load_average() -> float:
    """The one-minute load average: a shared machine's figures are read beside it."""
    return round(os.getloadavg()[0], 2)


def comparable_columns(frame, ignored: tuple[str, ...] = ()) -> list:
    """`frame`'s columns, by name, without `ignored`, each as a value that is the same in two runs that wrote the same
    rows: doubles rounded to DOUBLE_DIGITS, a map's entries sorted, binary as base64 (for `to_json`)."""
    from pyspark.sql import functions as F  # noqa: PLC0415 - the scripts' parent processes run without Spark
    from pyspark.sql import types as T  # noqa: PLC0415

    columns = []
    for column in sorted(frame.schema.fields, key=lambda field: field.name):
        if column.name in ignored:
            continue
        value = F.col(f"`{column.name}`")
        if isinstance(column.dataType, T.DoubleType | T.FloatType):
            value = F.round(value, DOUBLE_DIGITS)
        elif isinstance(column.dataType, T.MapType):
            value = F.array_sort(F.map_entries(value))
        elif isinstance(column.dataType, T.BinaryType):
            value = F.base64(value)
        columns.append(value.alias(column.name))
    return columns
