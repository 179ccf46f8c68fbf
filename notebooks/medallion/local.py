"""The local pipeline: bronze -> silver -> gold on local Spark + Delta, reading a file of connector rows or Event Hubs.

Usage: python -m medallion.local [--input FILE] [--json] [--gold-mode update|append] [--keep DIR]
       python -m medallion.local --source eventhubs [--stack NAME] [--starting-position start|latest]
                                 [--max-events-per-trigger N] [--timeout SECONDS] [--truststore FILE] [...]
"""

import argparse
import json
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from medallion.bronze import STARTING_POSITIONS, finish_bronze, read_connector_lines, start_bronze, to_bronze
from medallion.gold import OUTPUT_MODES, start_gold
from medallion.sample import generate_events, write_lines
from medallion.schema import bronze_table, gold_table, quarantine_table, silver_table
from medallion.session import local_session
from medallion.silver import start_silver
from medallion.streams import DrainReport, run_to_end

LOCAL_CATALOG = "spark_catalog"
SCHEMAS = {"bronze": "bronze", "silver": "silver", "gold": "gold"}
SAMPLE_EVENTS = 2000
EXIT_BAD_INPUT = 2
SOURCES = ("file", "eventhubs")
# Optional line fields and the JSON types they must have (docs/interfaces.md).
_OPTIONAL_TYPES = {"partition": str, "partitionKey": str, "offset": str, "publisher": str, "sequenceNumber": int}


class InputError(Exception):
    """The input file cannot be read as connector rows; the message names the file and line."""


def check_lines(path: Path) -> int:
    """Checks every line of a local source file; returns the number of events. A malformed *body* is fine (it goes to
    quarantine); a line that is not a connector row is an InputError naming the file and line number."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    events = 0
    with path.open(encoding="utf-8", errors="strict") as lines:
        try:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    _check_line(path, number, line)
                    events += 1
        except UnicodeDecodeError as error:
            raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    return events


def _check_line(path: Path, number: int, line: str) -> None:
    where = f"{path}:{number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"{where}: not a JSON object ({error.msg})") from None
    if not isinstance(row, dict):
        raise InputError(f"{where}: not a JSON object (got a JSON {type(row).__name__})")
    if "body" not in row or not isinstance(row["body"], str):
        raise InputError(f'{where}: "body" must be a string holding the event (got {type(row.get("body")).__name__})')
    moment = row.get("enqueuedTime")
    if not isinstance(moment, str):
        raise InputError(f'{where}: "enqueuedTime" is missing; expected an ISO 8601 time such as 2026-01-01T10:00:00Z')
    try:
        datetime.fromisoformat(moment)
    except ValueError:
        raise InputError(f'{where}: "enqueuedTime" is not an ISO 8601 time (got {moment!r})') from None
    for key, kind in _OPTIONAL_TYPES.items():
        value = row.get(key)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise InputError(f'{where}: "{key}" must be a {"string" if kind is str else "integer"} (got {value!r})')
    properties = row.get("properties")
    if properties is not None and not (
        isinstance(properties, dict) and all(isinstance(v, str) for v in properties.values())
    ):
        raise InputError(f'{where}: "properties" must be an object of strings')


def run_pipeline(
    spark: SparkSession, source_dir: str, checkpoints: str, gold_mode: str = "update", schemas: dict | None = None
) -> None:
    """Runs bronze, silver and gold once each as scheduled runs: each processes what is new and stops.

    Running it again over the same checkpoints processes only what was added to `source_dir` since.
    """
    run_layers(spark, read_connector_lines(spark, source_dir), checkpoints, gold_mode, schemas)


def run_layers(
    spark: SparkSession,
    connector_rows: DataFrame,
    checkpoints: str,
    gold_mode: str = "update",
    schemas: dict | None = None,
    stall_timeout: float | None = None,
) -> DrainReport:
    """Drains `connector_rows` (a stream in the connector's shape) into bronze as the scheduled bronze notebook does,
    then runs silver and gold with availableNow triggers. Returns what the bronze drain read."""
    schemas = schemas or SCHEMAS
    for schema in schemas.values():
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS {LOCAL_CATALOG}.{schema}")
    bronze = bronze_table(LOCAL_CATALOG, schemas["bronze"])
    silver = silver_table(LOCAL_CATALOG, schemas["silver"])
    quarantine = quarantine_table(LOCAL_CATALOG, schemas["silver"])
    gold = gold_table(LOCAL_CATALOG, schemas["gold"])
    bronze_query = start_bronze(to_bronze(connector_rows), bronze, checkpoints, "availableNow")
    report = finish_bronze(bronze_query, "availableNow", stall_timeout)
    run_to_end(start_silver(spark.readStream.table(bronze), silver, quarantine, checkpoints, "availableNow"))
    run_to_end(start_gold(spark.readStream.table(silver), gold, checkpoints, "availableNow", gold_mode))
    return report


def summary(spark: SparkSession, schemas: dict | None = None) -> dict:
    """The counts of each table and the gold rows, in the --json shape."""
    schemas = schemas or SCHEMAS

    def count(table: str) -> int:
        return spark.table(table).count() if spark.catalog.tableExists(table) else 0

    gold = gold_table(LOCAL_CATALOG, schemas["gold"])
    rows = spark.table(gold).orderBy("location", "start").collect() if spark.catalog.tableExists(gold) else []
    return {
        "bronze": count(bronze_table(LOCAL_CATALOG, schemas["bronze"])),
        "silver": count(silver_table(LOCAL_CATALOG, schemas["silver"])),
        "quarantine": count(quarantine_table(LOCAL_CATALOG, schemas["silver"])),
        "gold": [_gold_json(row) for row in rows],
    }


def quarantine_reasons(spark: SparkSession, schemas: dict | None = None) -> list[tuple[str, int]]:
    """How many quarantined rows each reason has, most frequent first: what a malformed input did, at a glance."""
    table = quarantine_table(LOCAL_CATALOG, (schemas or SCHEMAS)["silver"])
    if not spark.catalog.tableExists(table):
        return []
    rows = spark.table(table).groupBy("reason").count().orderBy(F.desc("count"), "reason").collect()
    return [(row["reason"], row["count"]) for row in rows]


def _gold_json(row) -> dict:
    values = row.asDict()
    for key in ("start", "end"):
        values[key] = values[key].strftime("%Y-%m-%dT%H:%M:%SZ")
    return values


def _print_text(result: dict, gold_mode: str, reasons: list[tuple[str, int]]) -> None:
    print(f"bronze {result['bronze']}  silver {result['silver']}  quarantine {result['quarantine']}")
    for reason, count in reasons:
        print(f"  quarantined {count:>6}  {reason}")
    print(f"gold ({gold_mode} mode): {len(result['gold'])} windows")
    header = ("location", "start", "end", "temperature", "humidity", "wind_speed", "precipitation")
    header += ("conditions", "wind_direction", "events")
    print("  ".join(f"{name:>13}" for name in header))
    for row in result["gold"]:
        cells = [
            f"{value:13.2f}" if isinstance(value, float) else f"{'' if value is None else value!s:>13}"
            for value in (row[name] for name in header)
        ]
        print("  ".join(cells))


class _Parser(argparse.ArgumentParser):
    """argparse that names the allowed flags when it rejects one (it already exits 2)."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        allowed = (
            "--input FILE, --json, --gold-mode update|append, --keep DIR, --source file|eventhubs; with --source "
            "eventhubs: --stack NAME, --starting-position start|latest, --max-events-per-trigger N, --timeout SECONDS, "
            "--truststore FILE"
        )
        self.exit(EXIT_BAD_INPUT, f"error: {message}\nallowed flags: {allowed}\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="npm run pipeline:local --", description="Run bronze -> silver -> gold on local Spark.")
    parser.add_argument("--input", metavar="FILE", help="connector rows, one JSON object per line (default: a sample)")
    parser.add_argument("--json", action="store_true", help="print only the result as JSON")
    parser.add_argument("--gold-mode", choices=OUTPUT_MODES, default="update", help="gold output mode (default update)")
    parser.add_argument("--keep", metavar="DIR", help="keep the lakehouse (tables, checkpoints) in DIR")
    parser.add_argument("--source", choices=SOURCES, default="file", help="read a file (default) or Event Hubs")
    # Event Hubs only; checked in medallion.local_eventhubs. The connection string is never a flag.
    parser.add_argument("--stack", metavar="NAME", help="read the Listen connection string from this stack's outputs")
    parser.add_argument("--starting-position", choices=STARTING_POSITIONS, help="where a new checkpoint starts")
    parser.add_argument("--max-events-per-trigger", metavar="N", help="most events per bronze micro-batch")
    parser.add_argument("--timeout", metavar="SECONDS", help="longest wait for the hub to answer (exit 3)")
    parser.add_argument("--truststore", metavar="FILE", help="a Java trust store to add to the JVM's trust settings")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.source == "eventhubs":
        from medallion.local_eventhubs import main_eventhubs

        return main_eventhubs(args)
    eventhubs_only = ("stack", "starting_position", "max_events_per_trigger", "timeout", "truststore")
    given = [f"--{name.replace('_', '-')}" for name in eventhubs_only if getattr(args, name) is not None]
    if given:
        print(f"error: {', '.join(given)} only apply with --source eventhubs", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.keep:
        lakehouse = Path(args.keep).resolve()
        if lakehouse.exists() and any(lakehouse.iterdir()):
            print(f"error: --keep {args.keep}: directory is not empty; give a new or empty directory", file=sys.stderr)
            return EXIT_BAD_INPUT
        lakehouse.mkdir(parents=True, exist_ok=True)
    else:
        lakehouse = Path(tempfile.mkdtemp(prefix="lakestream-"))
    try:
        source = lakehouse / "source"
        source.mkdir()
        if args.input:
            input_path = Path(args.input)
            try:
                check_lines(input_path)
            except InputError as error:
                print(f"error: --input {error}", file=sys.stderr)
                return EXIT_BAD_INPUT
            shutil.copyfile(input_path, source / "events.json")
        else:
            write_lines(generate_events(SAMPLE_EVENTS), source / "events.json")
        spark = local_session(str(lakehouse / "warehouse"))
        try:
            run_pipeline(spark, str(source), str(lakehouse / "checkpoints"), args.gold_mode)
            result = summary(spark)
            reasons = [] if args.json else quarantine_reasons(spark)
        finally:
            spark.stop()
    finally:
        if not args.keep:
            shutil.rmtree(lakehouse, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
    else:
        _print_text(result, args.gold_mode, reasons)
        if args.keep:
            print(f"lakehouse kept in {lakehouse}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
