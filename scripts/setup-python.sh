#!/usr/bin/env bash
# Creates the project-local Python environment (.venv) for the notebooks: pinned packages and the Delta Lake jars.
#
# Everything the local pipeline and the Python tests need is fetched here, once, so that later runs need no network:
# the packages from PyPI and the Delta jars from Maven Central into .venv/jars (Spark loads them from there instead of
# resolving `spark.jars.packages` on first use). A stamp file holding a hash of the inputs makes a re-run a no-op.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/notebooks/requirements-dev.txt"
JARS_DIR="$VENV/jars"
STAMP="$VENV/.lakestream-setup"
MAVEN="${MAVEN_REPOSITORY_URL:-https://repo1.maven.org/maven2}"
# group/artifact/version of each jar Delta 3.2.0 needs beyond what pyspark ships (antlr4-runtime 4.9.3 is bundled).
JARS=(
    "io/delta/delta-spark_2.12/3.2.0"
    "io/delta/delta-storage/3.2.0"
)

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

fingerprint="$({ cat "$REQUIREMENTS"; printf '%s\n' "${JARS[@]}"; "$PYTHON_BIN" --version; } | sha256sum | cut -d' ' -f1)"
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
for coordinate in "${JARS[@]}"; do
    IFS=/ read -r -a parts <<<"$coordinate"
    version="${parts[-1]}"
    artifact="${parts[-2]}"
    file="$artifact-$version.jar"
    url="$MAVEN/$coordinate/$file"
    if [[ ! -f "$JARS_DIR/$file" ]]; then
        curl --fail --silent --show-error --location --retry 3 --output "$JARS_DIR/$file.part" "$url"
        expected="$(curl --fail --silent --show-error --location --retry 3 "$url.sha1" | cut -c1-40)"
        actual="$(sha1sum "$JARS_DIR/$file.part" | cut -d' ' -f1)"
        if [[ "$expected" != "$actual" ]]; then
            rm -f "$JARS_DIR/$file.part"
            echo "error: checksum mismatch for $url (expected $expected, got $actual)" >&2
            exit 1
        fi
        mv "$JARS_DIR/$file.part" "$JARS_DIR/$file"
    fi
done

echo "$fingerprint" >"$STAMP"
echo "python environment ready in $((SECONDS - started))s ($VENV)"
