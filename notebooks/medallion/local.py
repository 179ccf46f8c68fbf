"""The local pipeline: bronze -> silver -> gold on local Spark + Delta, reading a file of connector rows or Event Hubs.

Usage: python -m medallion.local [--input FILE] [--json] [--gold-mode update|append] [--streams single|layered]
                                 [--keep DIR]
       python -m medallion.local --source eventhubs [--stack NAME] [--starting-position start|latest]
                                 [--max-events-per-trigger N] [--timeout SECONDS] [--truststore FILE] [...]
"""

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from medallion.bronze import STARTING_POSITIONS, finish_bronze, read_connector_lines, start_bronze, to_bronze
from medallion.gold import OUTPUT_MODES, start_gold
from medallion.lines import InputError, check_lines
from medallion.parallel import run_together
from medallion.pipeline import MedallionTables, start_pipeline
from medallion.sample import generate_events, write_lines
from medallion.schema import GOLD_SCHEMA, bronze_table, gold_table, quarantine_table, silver_table
from medallion.session import local_session
from medallion.silver import start_silver
from medallion.streams import DrainReport, drain, require_choice, run_to_end
from medallion.tables import create_tables

LOCAL_CATALOG = "spark_catalog"
SCHEMAS = {"bronze": "bronze", "silver": "silver", "gold": "gold"}
SAMPLE_EVENTS = 2000
# Up to this many events a run lasts seconds: the JVM is started for start-up speed (medallion.session).
SHORT_RUN_EVENTS = 50_000
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
SOURCES = ("file", "eventhubs")
# single: one stream through all four tables (the job's default); layered: bronze, silver and gold streams in turn.
STREAMS = ("single", "layered")


def run_pipeline(
    spark: SparkSession,
    source_dir: str,
    checkpoints: str,
    gold_mode: str = "update",
    schemas: dict | None = None,
    streams: str = "single",
) -> None:
    """Runs the pipeline once as a scheduled run over a folder of connector rows: it processes what is new and stops.

    Running it again over the same checkpoints processes only what was added to `source_dir` since.
    """
    run_layers(spark, read_connector_lines(spark, source_dir), checkpoints, gold_mode, schemas, streams=streams)


def run_layers(
    spark: SparkSession,
    connector_rows: DataFrame,
    checkpoints: str,
    gold_mode: str = "update",
    schemas: dict | None = None,
    stall_timeout: float | None = None,
    streams: str = "single",
) -> DrainReport:
    """Drains `connector_rows` (a stream in the connector's shape) as the job's scheduled run does, and returns what
    the drain read. `single`: one stream writes all four tables per micro-batch (`medallion.pipeline`); `layered`:
    bronze drains into its table, then silver and gold run with availableNow triggers, one after the other."""
    require_choice("streams", streams, STREAMS)
    schemas = schemas or SCHEMAS
    create = [f"CREATE SCHEMA IF NOT EXISTS {LOCAL_CATALOG}.{schema}" for schema in schemas.values()]
    run_together(spark, *[lambda statement=statement: spark.sql(statement) for statement in create])
    tables = MedallionTables(
        bronze=bronze_table(LOCAL_CATALOG, schemas["bronze"]),
        silver=silver_table(LOCAL_CATALOG, schemas["silver"]),
        quarantine=quarantine_table(LOCAL_CATALOG, schemas["silver"]),
        gold=gold_table(LOCAL_CATALOG, schemas["gold"]),
    )
    if streams == "single":
        create_tables(spark, LOCAL_CATALOG, schemas["bronze"], schemas["silver"], schemas["gold"])
        batch_rows = {}
        query = start_pipeline(
            to_bronze(connector_rows), tables, checkpoints, "availableNow", gold_mode, batch_rows=batch_rows
        )
        drain(query, stall_timeout)
        carried = [rows for rows in batch_rows.values() if rows > 0]
        return DrainReport(batches=len(carried), rows=sum(carried))
    bronze_query = start_bronze(to_bronze(connector_rows), tables.bronze, checkpoints, "availableNow")
    report = finish_bronze(bronze_query, "availableNow", stall_timeout)
    run_to_end(
        start_silver(
            spark.readStream.table(tables.bronze), tables.silver, tables.quarantine, checkpoints, "availableNow"
        )
    )
    run_to_end(start_gold(spark.readStream.table(tables.silver), tables.gold, checkpoints, "availableNow", gold_mode))
    return report


def summary(spark: SparkSession, schemas: dict | None = None) -> dict:
    """The counts of each table and the gold rows, in the --json shape."""
    schemas = schemas or SCHEMAS
    counted = {
        "bronze": bronze_table(LOCAL_CATALOG, schemas["bronze"]),
        "silver": silver_table(LOCAL_CATALOG, schemas["silver"]),
        "quarantine": quarantine_table(LOCAL_CATALOG, schemas["silver"]),
    }
    gold = gold_table(LOCAL_CATALOG, schemas["gold"])
    result = {"bronze": 0, "silver": 0, "quarantine": 0, "gold": []}

    def count(key: str) -> None:
        if spark.catalog.tableExists(counted[key]):
            result[key] = spark.table(counted[key]).count()

    def gold_rows() -> None:
        if spark.catalog.tableExists(gold):
            # Formatted by Spark: a window ending after 9999-12-31 is a valid timestamp there, not a Python datetime.
            times = {name: F.date_format(name, "yyyy-MM-dd'T'HH:mm:ss'Z'").alias(name) for name in ("start", "end")}
            columns = [times.get(name, F.col(name)) for name in GOLD_SCHEMA.fieldNames()]
            rows = spark.table(gold).orderBy("location", "start").select(*columns).collect()
            result["gold"] = [row.asDict() for row in rows]

    # Four small queries: side by side, their planning overlaps.
    run_together(spark, *[lambda key=key: count(key) for key in counted], gold_rows)
    return result


def quarantine_reasons(spark: SparkSession, schemas: dict | None = None) -> list[tuple[str, int]]:
    """How many quarantined rows each reason has, most frequent first: what a malformed input did, at a glance."""
    table = quarantine_table(LOCAL_CATALOG, (schemas or SCHEMAS)["silver"])
    if not spark.catalog.tableExists(table):
        return []
    rows = spark.table(table).groupBy("reason").count().orderBy(F.desc("count"), "reason").collect()
    return [(row["reason"], row["count"]) for row in rows]


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
            "--input FILE, --json, --gold-mode update|append, --streams single|layered, --keep DIR, "
            "--source file|eventhubs; with --source "
            "eventhubs: --stack NAME, --starting-position start|latest, --max-events-per-trigger N, --timeout SECONDS, "
            "--truststore FILE"
        )
        self.exit(EXIT_BAD_INPUT, f"error: {message}\nallowed flags: {allowed}\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="npm run pipeline:local --", description="Run bronze -> silver -> gold on local Spark.")
    parser.add_argument("--input", metavar="FILE", help="connector rows, one JSON object per line (default: a sample)")
    parser.add_argument("--json", action="store_true", help="print only the result as JSON")
    parser.add_argument("--gold-mode", choices=OUTPUT_MODES, default="update", help="gold output mode (default update)")
    parser.add_argument(
        "--streams", choices=STREAMS, default="single", help="one stream through all tables, or one per layer"
    )
    parser.add_argument("--keep", metavar="DIR", help="keep the lakehouse (tables, checkpoints) in DIR")
    parser.add_argument("--source", choices=SOURCES, default="file", help="read a file (default) or Event Hubs")
    # Event Hubs only; checked in medallion.local_eventhubs. The connection string is never a flag.
    parser.add_argument("--stack", metavar="NAME", help="read the Listen connection string from this stack's outputs")
    parser.add_argument("--starting-position", choices=STARTING_POSITIONS, help="where a new checkpoint starts")
    parser.add_argument("--max-events-per-trigger", metavar="N", help="most events per bronze micro-batch")
    parser.add_argument("--timeout", metavar="SECONDS", help="longest wait for the hub to answer (exit 3)")
    parser.add_argument("--truststore", metavar="FILE", help="a Java trust store to add to the JVM's trust settings")
    return parser.parse_args(argv)


def _check_keep(keep: str) -> Path:
    """The --keep folder, which must be new or empty; nothing is created yet, so a failed check leaves it as found."""
    lakehouse = Path(keep).resolve()
    if lakehouse.exists() and not lakehouse.is_dir():
        raise InputError(f"--keep {keep}: is a file; give a new or empty directory")
    if lakehouse.is_dir() and any(lakehouse.iterdir()):
        raise InputError(f"--keep {keep}: directory is not empty; give a new or empty directory")
    return lakehouse


def _check_input(name: str) -> tuple[Path, int]:
    path = Path(name)
    try:
        events = check_lines(path)
    except InputError as error:
        raise InputError(f"--input {error}") from None
    if events == 0:
        raise InputError(f"--input {path}: holds no events (the file is empty or has only blank lines)")
    return path, events


def _failure(error: Exception) -> str:
    """The first lines of a Spark failure, without the Java stack trace."""
    lines = [line for line in str(error).splitlines() if line.strip() and not line.lstrip().startswith("at ")]
    return "\n  ".join(lines[:6]) or type(error).__name__


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
    try:
        # Every check runs before anything is created: bad input leaves the file system as it was.
        lakehouse = _check_keep(args.keep) if args.keep else None
        input_path, input_events = _check_input(args.input) if args.input else (None, 0)
        if lakehouse:
            try:
                lakehouse.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise InputError(f"--keep {args.keep}: cannot create it ({error.strerror or error})") from None
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    lakehouse = lakehouse or Path(tempfile.mkdtemp(prefix="lakestream-"))
    try:
        source = lakehouse / "source"
        source.mkdir()
        if input_path:
            shutil.copyfile(input_path, source / "events.json")
        else:
            write_lines(generate_events(SAMPLE_EVENTS), source / "events.json")
        # A short run (the sample, a small file) starts the JVM for start-up speed rather than peak speed.
        events = input_events if input_path else SAMPLE_EVENTS
        spark = local_session(str(lakehouse / "warehouse"), short_run=events <= SHORT_RUN_EVENTS)
        try:
            run_pipeline(spark, str(source), str(lakehouse / "checkpoints"), args.gold_mode, streams=args.streams)
            result = summary(spark)
            reasons = [] if args.json else quarantine_reasons(spark)
        except Exception as error:  # noqa: BLE001 - a failed batch ends the run with its cause, not a Java stack trace
            kept = f"; the lakehouse is kept in {lakehouse}" if args.keep else ""
            print(f"error: the pipeline failed{kept}:\n  {_failure(error)}", file=sys.stderr)
            return EXIT_FAILURE
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
