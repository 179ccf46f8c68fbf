"""The local lakehouse: its catalog and schemas, running the layers over it, and reading its tables back.

Shared by both sources of the local pipeline (`medallion.local` reads a file, `medallion.local_eventhubs` a hub).
"""

from contextlib import nullcontext
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from medallion.bronze import read_connector_lines, start_bronze, to_bronze
from medallion.gold import start_gold
from medallion.parallel import run_together
from medallion.schema import GOLD_SCHEMA
from medallion.silver import start_silver
from medallion.single_stream import start_single_stream
from medallion.streams import DrainReport, finish_connector_stream, run_to_end
from medallion.tables import MedallionTables, create_tables, medallion_tables
from medallion.widgets import require_choice

LOCAL_CATALOG = "spark_catalog"
SCHEMAS = {"bronze": "bronze", "silver": "silver", "gold": "gold"}
# single: one stream through all four tables (the job's default); layered: bronze, silver and gold streams in turn.
STREAMS = ("single", "layered")


def _tables(catalog: str, schemas: dict) -> MedallionTables:
    return medallion_tables(catalog, schemas["bronze"], schemas["silver"], schemas["gold"])


def run_pipeline(
    spark: SparkSession,
    source_dir: str,
    checkpoints: str,
    gold_mode: str = "update",
    schemas: dict | None = None,
    streams: str = "single",
    phase=None,
    max_files_per_trigger: int | None = None,
) -> None:
    """Runs the pipeline once as a scheduled run over a folder of connector rows: it processes what is new and stops.

    Running it again over the same checkpoints processes only what was added to `source_dir` since. `phase`, when
    given, is a context manager factory that times each step by name (`medallion.local.phase`).
    `max_files_per_trigger` bounds each micro-batch to that many source files (default: all the new ones).
    """
    rows = read_connector_lines(spark, source_dir, max_files_per_trigger)
    run_layers(spark, rows, checkpoints, gold_mode, schemas, streams=streams, phase=phase)


def run_layers(
    spark: SparkSession,
    connector_rows: DataFrame,
    checkpoints: str,
    gold_mode: str = "update",
    schemas: dict | None = None,
    stall_timeout: float | None = None,
    streams: str = "single",
    phase=None,
) -> DrainReport:
    """Drains `connector_rows` (a stream in the connector's shape) as the job's scheduled run does, and returns what
    the drain read. `single`: one stream writes all four tables per micro-batch (`medallion.single_stream`); `layered`:
    bronze drains into its table, then silver and gold run with availableNow triggers, one after the other."""
    require_choice("streams", streams, STREAMS)
    timed = phase or (lambda _name: nullcontext())
    schemas = schemas or SCHEMAS
    create = [f"CREATE SCHEMA IF NOT EXISTS {LOCAL_CATALOG}.{schema}" for schema in schemas.values()]
    tables = _tables(LOCAL_CATALOG, schemas)
    if streams == "single":
        with timed("create-tables"):
            run_together(spark, *[lambda statement=statement: spark.sql(statement) for statement in create])
            create_tables(spark, LOCAL_CATALOG, schemas["bronze"], schemas["silver"], schemas["gold"])
        batch_rows = {}
        with timed("stream-start"):
            query = start_single_stream(
                to_bronze(connector_rows), tables, checkpoints, "availableNow", gold_mode, batch_rows=batch_rows
            )
        with timed("stream-batches"):
            return finish_connector_stream(query, "availableNow", stall_timeout, batch_rows)
    run_together(spark, *[lambda statement=statement: spark.sql(statement) for statement in create])
    bronze_query = start_bronze(to_bronze(connector_rows), tables.bronze, checkpoints, "availableNow")
    report = finish_connector_stream(bronze_query, "availableNow", stall_timeout)
    run_to_end(
        start_silver(
            spark.readStream.table(tables.bronze), tables.silver, tables.quarantine, checkpoints, "availableNow"
        )
    )
    run_to_end(start_gold(spark.readStream.table(tables.silver), tables.gold, checkpoints, "availableNow", gold_mode))
    return report


def summary(spark: SparkSession, schemas: dict | None = None) -> dict:
    """The counts of each table and the gold rows, in the --json shape."""
    tables = _tables(LOCAL_CATALOG, schemas or SCHEMAS)
    counted = {"bronze": tables.bronze, "silver": tables.silver, "quarantine": tables.quarantine}
    gold = tables.gold
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
    table = _tables(LOCAL_CATALOG, schemas or SCHEMAS).quarantine
    if not spark.catalog.tableExists(table):
        return []
    rows = spark.table(table).groupBy("reason").count().orderBy(F.desc("count"), "reason").collect()
    return [(row["reason"], row["count"]) for row in rows]


def print_summary(result: dict, gold_mode: str, reasons: list[tuple[str, int]]) -> None:
    """Prints a `summary` as text: the counts, the quarantine reasons and the gold rows as a table."""
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


def register_kept_tables(spark, warehouse: Path, catalog: str, schemas: dict) -> None:
    """Registers the tables an earlier run left in a kept lakehouse, so that this run appends to them: the local
    session's catalog lives in memory and forgets them when the run ends, while the checkpoints stay.

    A table is a folder whose `_delta_log` holds a commit. A run killed during a table's first write (the layered
    layout creates silver and the quarantine with their first batch) leaves data files and an empty `_delta_log`:
    nothing was committed, so it is no table yet, and this run's first write creates it."""
    tables = _tables(catalog, schemas)
    for table in (tables.bronze, tables.silver, tables.quarantine, tables.gold):
        _, schema, name = table.split(".")
        location = warehouse / f"{schema}.db" / name
        if any((location / "_delta_log").glob("[0-9]*")):  # a commit or a checkpoint
            spark.sql(f"CREATE SCHEMA IF NOT EXISTS {catalog}.{schema}")
            spark.sql(f"CREATE TABLE IF NOT EXISTS {table} USING DELTA LOCATION '{location}'")
