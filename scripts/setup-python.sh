#!/usr/bin/env bash
# Creates the project-local Python environment (.venv) for the notebooks: pinned packages and the Delta Lake jars.
#
# Everything the local pipeline and the Python tests need is fetched here, once, so that later runs need no network:
# the packages from PyPI, and the jars: Delta Lake and the Event Hubs connector with the part of its Java client that
# reading needs. Spark's own package resolver (Ivy, which checks every download against Maven Central's SHA-1) fetches
# them once into .venv/ivy; this script then checks each jar against the SHA-256 pinned below, keeps them in .venv/jars,
# and every later session loads them from disk instead of resolving `spark.jars.packages` again. A stamp file holding a
# hash of the inputs makes a re-run a no-op.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/notebooks/requirements-dev.txt"
JARS_DIR="$VENV/jars"
STAMP="$VENV/.lakestream-setup"
IVY_DIR="$VENV/ivy"
# Delta Lake for Spark 3.5 / Scala 2.12, the version of Databricks Runtime 15.4 LTS; it brings delta-storage along.
DELTA_PACKAGE="io.delta:delta-spark_2.12:3.2.0"
# The Event Hubs connector bronze reads through on Databricks. Its Java client (azure-eventhubs 3.3.0) also declares
# Azure AD client libraries (azure-client-authentication, nimbus-jose-jwt) whose open version ranges resolve differently
# from day to day; reading with a SAS connection string never loads them, so they are excluded, as are slf4j-api and
# scala-library, which Spark ships.
CONNECTOR_PACKAGE="com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22"
CONNECTOR_EXCLUDES="com.microsoft.azure:azure-client-authentication,com.nimbusds:nimbus-jose-jwt,org.slf4j:slf4j-api,org.scala-lang:scala-library"
# Every jar kept in .venv/jars, as Ivy names it (<organisation>_<artifact>-<version>.jar), with its SHA-256: a jar that
# is missing or different stops the setup.
PINNED_JARS="
io.delta_delta-spark_2.12-3.2.0.jar 51d473537d1bc10c81f48b03d8e2a6b604e1b421a70835ec12e917a4245a31d5
io.delta_delta-storage-3.2.0.jar 58aab63eba7736fea9e03eafb0dde6704a34a70f570c1a69ab8e4012c25a95d4
com.microsoft.azure_azure-eventhubs-spark_2.12-2.3.22.jar a64e17e34079b8a19b37ca271b1e0b5978a45481e8eca696452cdab30b867428
com.microsoft.azure_azure-eventhubs-3.3.0.jar 40c8f0eae8d7a0cc78354047e47ca54e6dfc2b844aead7f3f927b17a7d1d46c6
org.apache.qpid_proton-j-0.33.8.jar 2181e51532fcd1d5fcc7bddea8bf1b4e69cc028346777780011b30faea8d70cb
com.microsoft.azure_qpid-proton-j-extensions-1.2.4.jar 70c06b93571f5ef20ecce2262b862eabefde1fb7c3b4f685d49b047b869fc448
org.scala-lang.modules_scala-java8-compat_2.12-0.9.0.jar 1875d3cf1399bb2d3675e5852cd18f282f069e7c38e35b2fff553eefd6428bd8
"

find_python() {
    for candidate in "${PYTHON:-}" python3.11 python3; do
        if [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! PYTHON_BIN="$(find_python)"; then
    echo "error: Python 3.11 is required (Databricks Runtime 15.4 LTS runs Python 3.11); install python3.11 and rerun npm run setup" >&2
    exit 2
fi
if ! command -v java >/dev/null 2>&1; then
    echo "error: Java 17 is required by Spark 3.5; install a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless) and rerun npm run setup" >&2
    exit 2
fi

fingerprint="$({ cat "$REQUIREMENTS"; echo "$DELTA_PACKAGE $CONNECTOR_PACKAGE $CONNECTOR_EXCLUDES $PINNED_JARS"; "$PYTHON_BIN" --version; java -version 2>&1; } | sha256sum | cut -d' ' -f1)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$fingerprint" && -x "$VENV/bin/python" ]]; then
    echo "python environment up to date ($VENV)"
    exit 0
fi

started=$SECONDS
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON_BIN" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --requirement "$REQUIREMENTS"

mkdir -p "$JARS_DIR"
# A throw-away local session makes Spark resolve the packages; pyspark already ships antlr4-runtime, so only the pinned
# jars are kept, under their plain artifact file names (delta-spark_2.12-3.2.0.jar), as the session loader expects.
"$VENV/bin/python" - "$DELTA_PACKAGE,$CONNECTOR_PACKAGE" "$CONNECTOR_EXCLUDES" "$IVY_DIR" "$JARS_DIR" "$PINNED_JARS" <<'PY'
import hashlib
import pathlib
import shutil
import sys

from pyspark.sql import SparkSession

packages, excludes, ivy_dir, jars_dir, pinned_text = sys.argv[1:6]
pinned = dict(line.split() for line in pinned_text.strip().splitlines())
spark = (
    SparkSession.builder.master("local[1]")
    .config("spark.jars.packages", packages)
    .config("spark.jars.excludes", excludes)
    .config("spark.jars.ivy", ivy_dir)
    .config("spark.ui.enabled", "false")
    .getOrCreate()
)
spark.stop()
resolved = {path.name: path for path in pathlib.Path(ivy_dir, "jars").glob("*.jar")}
# Earlier resolutions may have left other jars in the Ivy folder; only those pinned here are used.
missing = sorted(set(pinned) - set(resolved))
if missing:
    sys.exit(f"error: Spark did not resolve {', '.join(missing)} into {ivy_dir}; check access to Maven Central")
for name, expected in pinned.items():
    actual = hashlib.sha256(resolved[name].read_bytes()).hexdigest()
    if actual != expected:
        sys.exit(f"error: {resolved[name]} has SHA-256 {actual}, expected {expected}; delete {ivy_dir} and rerun")
    plain = name.split("_", 1)[1]
    shutil.copy(resolved[name], pathlib.Path(jars_dir, plain))
PY

# One run over the sample writes the class archive every later local session starts from (medallion/session.py); it
# only shortens start-up, so a failure here is reported and setup goes on.
rm -f "$VENV/lakestream-classes.jsa"
if ! LAKESTREAM_WRITE_CLASS_ARCHIVE=1 LAKESTREAM_JARS_DIR="$JARS_DIR" PYTHONPATH="$ROOT/notebooks" \
    "$VENV/bin/python" - >/dev/null 2>"$VENV/class-archive.log" <<'PY'
import sys

from pyspark import SparkContext

from medallion import local

code = local.main(["--json"])
# The JVM writes the archive as it exits; it exits when its standard input closes. Waiting for it here means the
# archive is complete when setup ends.
gateway = SparkContext._gateway.proc
gateway.stdin.close()
gateway.wait(timeout=300)
sys.exit(code)
PY
then
    echo "note: the JVM class archive was not written (see $VENV/class-archive.log); local runs start slower" >&2
fi

echo "$fingerprint" >"$STAMP"
echo "python environment ready in $((SECONDS - started))s ($VENV)"
