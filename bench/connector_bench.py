"""Measures the Event Hubs connector's read path into bronze on local Spark, beside the file source; driven by
bench/connectorBench.ts, which fills the loopback endpoint and passes its connection string in the environment.

Prints one JSON document: read throughput (all held events in one batch, fresh checkpoint each round, median of 3),
drain throughput (the hub holding 10 x maxEventsPerTrigger, scheduled-run drain), and the file source's drain of the
same events.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from medallion.bronze import read_connector_lines, read_eventhubs, start_bronze, to_bronze
from medallion.local_lakehouse import LOCAL_CATALOG
from medallion.session import local_session
from medallion.streams import finish_connector_stream
from medallion.tables import bronze_table

ROUNDS = 3


def timed_drain(spark, rows, workdir: Path, name: str) -> dict:
    """Drains `rows` into a fresh bronze table; returns events, batches, seconds and events/s."""
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS {LOCAL_CATALOG}.{name}")
    started = time.perf_counter()
    query = start_bronze(
        to_bronze(rows), bronze_table(LOCAL_CATALOG, name), str(workdir / f"{name}-cp"), "availableNow"
    )
    report = finish_connector_stream(query, "availableNow", stall_timeout=600)
    seconds = time.perf_counter() - started
    return {
        "events": report.rows,
        "batches": report.batches,
        "seconds": round(seconds, 2),
        "events_per_second": round(report.rows / seconds),
    }


def main(events: int, lines_file: str) -> None:
    connection_string = os.environ["EVENTHUBS_CONNECTION_STRING"]
    trust_store = os.environ["LAKESTREAM_BENCH_TRUSTSTORE"]
    workdir = Path(tempfile.mkdtemp(prefix="lakestream-connector-bench-"))
    spark = local_session(
        str(workdir / "warehouse"),
        "lakestream-connector-bench",
        java_options=(f"-Djavax.net.ssl.trustStore={trust_store}",),
    )
    try:
        # Warm-up: JVM, connector classes and the first AMQPS connection are not billed to the measured rounds.
        timed_drain(spark, read_eventhubs(spark, connection_string, "start", 1000), workdir, "warmup")
        reads = []
        for round_number in range(ROUNDS):
            rows = read_eventhubs(spark, connection_string, "start", events)
            reads.append(timed_drain(spark, rows, workdir, f"read{round_number}"))
            print(json.dumps({"read": reads[-1]}), file=sys.stderr)
        drained = timed_drain(spark, read_eventhubs(spark, connection_string, "start", events // 10), workdir, "drain")
        print(json.dumps({"drain": drained}), file=sys.stderr)
        source = workdir / "source"
        source.mkdir()
        (source / "events.json").write_text(Path(lines_file).read_text())
        files = timed_drain(spark, read_connector_lines(spark, str(source)), workdir, "file")
        print(json.dumps({"file": files}), file=sys.stderr)
    finally:
        spark.stop()
    print(
        json.dumps(
            {
                "events_in_hub": events,
                "read_rounds": reads,
                "read_events_per_second_median": statistics.median(read["events_per_second"] for read in reads),
                "drain": {**drained, "max_events_per_trigger": events // 10},
                "file_source": files,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
