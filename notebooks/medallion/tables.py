"""The medallion tables: their names, and creating them with their schemas before any stream reads them.

A stream cannot read a table that does not exist yet: silver started before bronze's first write, or gold before
silver's, fails with TABLE_OR_VIEW_NOT_FOUND. Each notebook creates the tables it reads and writes first, so every task
can start first, alone, or after a restart, in any order.
"""

from dataclasses import dataclass

from pyspark.sql import SparkSession
from pyspark.sql import types as T

from medallion.parallel import run_together
from medallion.schema import BRONZE_SCHEMA, GOLD_SCHEMA, QUARANTINE_SCHEMA, SILVER_SCHEMA


def bronze_table(catalog: str, bronze_schema: str) -> str:
    """Raw connector rows."""
    return f"{catalog}.{bronze_schema}.weather"


def silver_table(catalog: str, silver_schema: str) -> str:
    """Typed, validated events."""
    return f"{catalog}.{silver_schema}.weather"


def quarantine_table(catalog: str, silver_schema: str) -> str:
    """Events that failed validation, with the raw body and the reason."""
    return f"{catalog}.{silver_schema}.weather_quarantine"


def gold_table(catalog: str, gold_schema: str) -> str:
    """Five-minute summaries per location."""
    return f"{catalog}.{gold_schema}.weather_summary"


@dataclass(frozen=True)
class MedallionTables:
    """The four tables of the pipeline, as one stream (the single-stream layout) writes them."""

    bronze: str
    silver: str
    quarantine: str
    gold: str


def medallion_tables(catalog: str, bronze_schema: str, silver_schema: str, gold_schema: str) -> MedallionTables:
    """The names of the four tables in `catalog`."""
    return MedallionTables(
        bronze=bronze_table(catalog, bronze_schema),
        silver=silver_table(catalog, silver_schema),
        quarantine=quarantine_table(catalog, silver_schema),
        gold=gold_table(catalog, gold_schema),
    )


def ensure_table(spark: SparkSession, table: str, schema: T.StructType) -> None:
    """Creates `table` as an empty Delta table with `schema` unless it exists, then checks its columns.

    Two tasks starting together may both create the same table; the one that loses the race finds it there.
    Raises ValueError naming the table and the column when an existing table lacks a column or types it differently.
    """
    columns = ", ".join(f"`{field.name}` {field.dataType.simpleString()}" for field in schema)
    try:
        spark.sql(f"CREATE TABLE IF NOT EXISTS {table} ({columns}) USING DELTA")
    except Exception:
        if not spark.catalog.tableExists(table):
            raise
    existing = {field.name: field.dataType for field in spark.table(table).schema}
    for field in schema:
        if field.name not in existing:
            raise ValueError(f"table {table} has no column `{field.name}` ({field.dataType.simpleString()})")
        if existing[field.name] != field.dataType:
            raise ValueError(
                f"table {table} types column `{field.name}` as {existing[field.name].simpleString()}, "
                f"expected {field.dataType.simpleString()}"
            )


def create_tables(
    spark: SparkSession,
    catalog: str,
    bronze_schema: str | None = None,
    silver_schema: str | None = None,
    gold_schema: str | None = None,
) -> list[str]:
    """Ensures the tables of each schema given: bronze; silver and its quarantine; gold. Returns their names."""
    wanted = []
    if bronze_schema is not None:
        wanted.append((bronze_table(catalog, bronze_schema), BRONZE_SCHEMA))
    if silver_schema is not None:
        wanted.append((silver_table(catalog, silver_schema), SILVER_SCHEMA))
        wanted.append((quarantine_table(catalog, silver_schema), QUARANTINE_SCHEMA))
    if gold_schema is not None:
        wanted.append((gold_table(catalog, gold_schema), GOLD_SCHEMA))
    # Side by side: most of a CREATE TABLE is driver time (the catalog, the table's first log entry).
    steps = [lambda table=table, schema=schema: ensure_table(spark, table, schema) for table, schema in wanted]
    run_together(spark, *steps)
    return [table for table, _ in wanted]
