"""A local SparkSession with Delta Lake for the local pipeline, the tests and the benchmark (not used on Databricks)."""

import os
from pathlib import Path

from pyspark.sql import SparkSession

_DEFAULT_JARS = Path(__file__).resolve().parents[2] / ".venv" / "jars"


def delta_jars() -> list[str]:
    """The Delta jars fetched by scripts/setup-python.sh; loading them from disk keeps runs off the network."""
    jars_dir = Path(os.environ.get("LAKESTREAM_JARS_DIR", _DEFAULT_JARS))
    jars = sorted(str(path) for path in jars_dir.glob("delta-*.jar"))
    if len(jars) < 2:
        raise RuntimeError(f"the Delta Lake jars are missing from {jars_dir}; run npm run setup")
    return jars


def local_session(warehouse_dir: str, app_name: str = "lakestream-local", cores: int = 2) -> SparkSession:
    """A quiet local Spark 3.5 session with Delta 3.2, tables kept under `warehouse_dir`, times in UTC."""
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.jars", ",".join(delta_jars()))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.warehouse.dir", warehouse_dir)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC -Dderby.system.home=" + warehouse_dir)
        # Few cores and small data: a handful of partitions beats Spark's default of 200 by far.
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.databricks.delta.snapshotPartitions", "2")
        # Adaptive execution re-plans each small micro-batch; on a laptop-sized stream it only adds latency.
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session
