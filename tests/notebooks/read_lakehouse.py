"""Test helper for the Event Hubs source tests: prints, as one JSON document, the bronze rows and gold of a kept
lakehouse and what the file source makes of a lines file (its bronze maps and its gold), all in one JVM.

Usage: python tests/notebooks/read_lakehouse.py LAKEHOUSE LINES_FILE
"""

import json
import sys
import tempfile
from pathlib import Path

from medallion.lines import check_lines
from medallion.local_lakehouse import LOCAL_CATALOG, SCHEMAS, register_kept_tables, run_pipeline, summary
from medallion.session import local_session
from medallion.tables import bronze_table


def bronze_rows(spark, table: str) -> list[dict]:
    columns = ["partition", "offset", "sequenceNumber", "enqueuedTime", "publisher", "partitionKey"]
    rows = spark.table(table).select(*columns, "properties", "systemProperties", "body").collect()
    return [
        {
            **{name: row[name] for name in columns},
            "enqueuedTime": row["enqueuedTime"].strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "properties": row["properties"],
            "systemProperties": row["systemProperties"],
            "body": bytes(row["body"]).decode("utf-8"),
        }
        for row in rows
    ]


def main(lakehouse: str, lines: str) -> None:
    # The lines the file source reads pass the same check as `--input` (an InputError here fails the test).
    check_lines(Path(lines))
    work = Path(tempfile.mkdtemp(prefix="lakestream-read-"))
    # A short run: started as `medallion.local` starts one of up to 50,000 events (same tables, less CPU).
    spark = local_session(str(work / "warehouse"), app_name="lakestream-read", quick_jit=True, interpreted=True)
    try:
        register_kept_tables(spark, Path(lakehouse) / "warehouse", LOCAL_CATALOG, SCHEMAS)
        kept = {**summary(spark), "bronze_rows": bronze_rows(spark, bronze_table(LOCAL_CATALOG, SCHEMAS["bronze"]))}
        source = work / "source"
        source.mkdir()
        (source / "events.json").write_text(Path(lines).read_text())
        file_schemas = {layer: f"file_{layer}" for layer in ("bronze", "silver", "gold")}
        run_pipeline(spark, str(source), str(work / "checkpoints"), "update", file_schemas)
        from_file = {
            **summary(spark, file_schemas),
            "bronze_rows": bronze_rows(spark, bronze_table(LOCAL_CATALOG, "file_bronze")),
        }
    finally:
        spark.stop()
    print(json.dumps({"kept": kept, "file": from_file}, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:3])
