"""A local SparkSession with Delta Lake for the local pipeline, the tests and the benchmark (not used on Databricks)."""

import os
from pathlib import Path

from pyspark.sql import SparkSession

_VENV = Path(__file__).resolve().parents[2] / ".venv"
_DEFAULT_JARS = _VENV / "jars"
# A class-data-sharing archive of the classes a local run loads (scripts/setup-python.sh writes it with one sample run):
# the JVM maps them from it instead of loading and verifying them one by one, seconds of every short run.
CLASS_ARCHIVE = _VENV / "lakestream-classes.jsa"


# The Event Hubs connector and what its read path needs (scripts/setup-python.sh pins and checks them).
CONNECTOR_JARS = (
    "azure-eventhubs-spark_2.12-2.3.22.jar",
    "azure-eventhubs-3.3.0.jar",
    "proton-j-0.33.8.jar",
    "qpid-proton-j-extensions-1.2.4.jar",
    "scala-java8-compat_2.12-0.9.0.jar",
)


def _jars_dir() -> Path:
    return Path(os.environ.get("LAKESTREAM_JARS_DIR", _DEFAULT_JARS))


def delta_jars() -> list[str]:
    """The Delta jars fetched by scripts/setup-python.sh; loading them from disk keeps runs off the network."""
    jars_dir = _jars_dir()
    jars = sorted(str(path) for path in jars_dir.glob("delta-*.jar"))
    if len(jars) < 2:
        raise RuntimeError(f"the Delta Lake jars are missing from {jars_dir}; run npm run setup")
    return jars


def connector_jars() -> list[str]:
    """The Event Hubs connector's jars fetched by scripts/setup-python.sh: `format("eventhubs")` works offline."""
    jars_dir = _jars_dir()
    missing = [name for name in CONNECTOR_JARS if not (jars_dir / name).is_file()]
    if missing:
        names = ", ".join(missing)
        raise RuntimeError(f"the Event Hubs connector jars {names} are missing from {jars_dir}; run npm run setup")
    return [str(jars_dir / name) for name in CONNECTOR_JARS]


def _startup_options(quick_jit: bool) -> list[str]:
    """JVM options that shorten start-up: the class archive when it exists (or writing it, when setup asks), and for
    `quick_jit` the quick JIT compiler only. On two cores the optimizing compiler's threads take CPU from the run
    itself, and a run that ends within a minute or so ends before the code they optimize pays back their time
    (`medallion.local` says which runs, from measurements)."""
    options = []
    archive = Path(os.environ.get("LAKESTREAM_CLASS_ARCHIVE", CLASS_ARCHIVE))
    if os.environ.get("LAKESTREAM_WRITE_CLASS_ARCHIVE") == "1":
        options += [f"-XX:ArchiveClassesAtExit={archive}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    elif archive.is_file():
        # A stale archive (another JDK or Spark) is ignored by the JVM under -Xshare:auto; the run only starts slower.
        options += ["-Xshare:auto", f"-XX:SharedArchiveFile={archive}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    if quick_jit:
        options.append("-XX:TieredStopAtLevel=1")
    return options


def _interpreted_settings(interpreted: bool) -> dict[str, str]:
    """Spark settings for a short run: expressions evaluated as they are rather than compiled. Spark generates Java
    source for every query and compiles it with Janino; on a cold JVM whose JIT stops at the quick compiler, those
    compiles cost more than a run of up to 50,000 rows saves with them (measured: one event 25.5 s against 32.6 s,
    50,000 events 41.5 s against 49.6 s, under the same load). Interpreted evaluation has the same semantics (Spark
    runs its expression tests both ways), so the tables are the same. `factoryMode` is an internal Spark setting."""
    if not interpreted:
        return {}
    return {"spark.sql.codegen.wholeStage": "false", "spark.sql.codegen.factoryMode": "NO_CODEGEN"}


def _cache_settings(compressed_cache: bool) -> dict[str, str]:
    """Whether a cached DataFrame's column batches are compressed. A micro-batch is cached while its four writes read
    it (`medallion.single_stream`), and compressing it costs CPU every row pays, to save memory a local run of a few
    hundred thousand events has to spare (`medallion.local` says which runs, from measurements)."""
    return {} if compressed_cache else {"spark.sql.inMemoryColumnarStorage.compressed": "false"}


def local_session(
    warehouse_dir: str,
    app_name: str = "lakestream-local",
    cores: int = 2,
    java_options: tuple[str, ...] = (),
    quick_jit: bool = False,
    interpreted: bool = False,
    compressed_cache: bool = True,
) -> SparkSession:
    """A quiet local Spark 3.5 session with Delta 3.2 and the Event Hubs connector, tables kept under `warehouse_dir`,
    times in UTC. `java_options` are added to the driver JVM's options (e.g. a trust store for a test endpoint).
    Two settings trade peak speed for start-up time: `quick_jit`, the quick JIT compiler only (`_startup_options`),
    and `interpreted`, expressions evaluated without compiling them (`_interpreted_settings`). `compressed_cache`
    off trades memory for CPU (`_cache_settings`)."""
    driver_options = [
        "-Duser.timezone=UTC",
        f"-Dderby.system.home={warehouse_dir}",
        *_startup_options(quick_jit),
        *java_options,
    ]
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.jars", ",".join(delta_jars() + connector_jars()))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.warehouse.dir", warehouse_dir)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .config("spark.driver.extraJavaOptions", " ".join(driver_options))
        # Few cores and small data: a handful of partitions beats Spark's default of 200 by far.
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.databricks.delta.snapshotPartitions", "2")
        # Adaptive execution re-plans each small micro-batch; on a laptop-sized stream it only adds latency.
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    for key, value in {**_interpreted_settings(interpreted), **_cache_settings(compressed_cache)}.items():
        session = session.config(key, value)
    session = session.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
