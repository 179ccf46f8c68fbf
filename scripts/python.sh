#!/usr/bin/env bash
# Runs the project's Python (.venv) with the notebooks folder importable, after checking Java and the environment exist.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

if ! command -v java >/dev/null 2>&1; then
    echo "error: Java 17 is required by Spark 3.5 and was not found on PATH; install a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless)" >&2
    exit 2
fi
if [[ ! -x "$VENV/bin/python" || ! -d "$VENV/jars" ]]; then
    if ! command -v python3.11 >/dev/null 2>&1; then
        echo "error: Python 3.11 is required and was not found on PATH; install python3.11, then run npm run setup" >&2
    else
        echo "error: the Python environment ($VENV) is missing or incomplete; run npm run setup" >&2
    fi
    exit 2
fi
if ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
    echo "error: $VENV was not built with Python 3.11; delete it and run npm run setup" >&2
    exit 2
fi

export PYTHONPATH="$ROOT/notebooks${PYTHONPATH:+:$PYTHONPATH}"
export LAKESTREAM_JARS_DIR="${LAKESTREAM_JARS_DIR:-$VENV/jars}"
exec "$VENV/bin/python" "$@"
