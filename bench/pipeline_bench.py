"""Benchmarks the medallion pipeline on local Spark: throughput through bronze -> silver -> gold, and gold freshness
(update vs append) under a streaming trigger. Writes bench/results/pipeline.json.

Freshness runs on an accelerated event clock (event time advances SPEEDUP times faster than the wall clock), so that
five-minute windows and the five-minute watermark close within seconds; see docs/local-pipeline.md for how to read it.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from medallion.bronze import read_connector_lines, start_bronze, to_bronze
from medallion.gold import start_gold
from medallion.local import LOCAL_CATALOG, run_pipeline, summary
from medallion.sample import LOCATIONS, generate_events, iso, write_lines
from medallion.schema import bronze_table, gold_table, quarantine_table, silver_table
from medallion.session import local_session
from medallion.silver import start_silver

RESULTS = Path(__file__).resolve().parent / "results" / "pipeline.json"
BASIC_TU_EVENTS_PER_SECOND = 1000  # Event Hubs ingress per throughput unit


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_throughput(spark, workdir: Path, events: int) -> dict:
    """Bronze -> silver -> gold with availableNow triggers over `events` events already in the source."""
    source = workdir / "throughput-source"
    source.mkdir()
    # Ten files, as a producer or Event Hubs capture would land them, rather than one huge file.
    per_file = events // 10
    generated = generate_events(events, seed=11, seconds_between=0.5)
    for part in range(10):
        write_lines(
            (next(generated) for _ in range(per_file if part < 9 else events - 9 * per_file)), source / f"{part}.json"
        )
    schemas = {"bronze": "tp_bronze", "silver": "tp_silver", "gold": "tp_gold"}
    started = time.perf_counter()
    run_pipeline(spark, str(source), str(workdir / "throughput-checkpoints"), "update", schemas)
    elapsed = time.perf_counter() - started
    counts = summary(spark, schemas)
    if counts["bronze"] != events or counts["silver"] + counts["quarantine"] != events:
        raise SystemExit(f"throughput run lost events: {counts['bronze']} bronze of {events}")
    rate = events / elapsed
    return {
        "events": events,
        "seconds": round(elapsed, 1),
        "events_per_second": round(rate),
        "basic_throughput_units": round(rate / BASIC_TU_EVENTS_PER_SECOND, 2),
        "gold_windows": len(counts["gold"]),
    }


def measure_freshness(spark, workdir: Path, mode: str, seconds: float, speedup: float, interval: str) -> dict:
    """Lands a batch of events every 0.5 s for `seconds`, polls gold, and times each event until gold counts it."""
    name = f"fresh_{mode}"
    schemas = {layer: f"{name}_{layer}" for layer in ("bronze", "silver", "gold")}
    for schema in schemas.values():
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS {LOCAL_CATALOG}.{schema}")
    source, staging, checkpoints = workdir / f"{name}-source", workdir / f"{name}-staging", str(workdir / f"{name}-cp")
    source.mkdir()
    staging.mkdir()
    bronze, silver = bronze_table(LOCAL_CATALOG, schemas["bronze"]), silver_table(LOCAL_CATALOG, schemas["silver"])
    gold = gold_table(LOCAL_CATALOG, schemas["gold"])
    queries = [
        start_bronze(
            to_bronze(read_connector_lines(spark, str(source))),
            bronze,
            checkpoints,
            "continuous",
            name + "_b",
            interval,
        )
    ]
    while not spark.catalog.tableExists(bronze):
        time.sleep(0.2)
    quarantine = quarantine_table(LOCAL_CATALOG, schemas["silver"])
    queries.append(
        start_silver(
            spark.readStream.table(bronze), silver, quarantine, checkpoints, "continuous", name + "_s", interval
        )
    )
    while not spark.catalog.tableExists(silver):
        time.sleep(0.2)
    queries.append(
        start_gold(spark.readStream.table(silver), gold, checkpoints, "continuous", mode, name + "_g", interval)
    )

    landed = []  # (wall time landed, location, window start, ordinal of the event in its window)
    per_window = defaultdict(int)
    origin_wall, origin_event = time.time(), datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    stop = threading.Event()

    def produce():
        batch = 0
        while not stop.is_set():
            now = time.time()
            moment = origin_event + timedelta(seconds=(now - origin_wall) * speedup)
            lines = []
            for location in LOCATIONS:
                start = moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)
                per_window[(location, start)] += 1
                body = json.dumps({"location": location, "temperature": 10.0, "humidity": 50.0, "conditions": "Clear"})
                lines.append({"body": body, "enqueuedTime": iso(moment), "partition": "0", "partitionKey": location})
                landed.append((location, start, per_window[(location, start)]))
            staged = staging / f"{batch:06d}.json"
            write_lines(lines, staged)
            os.replace(staged, source / staged.name)  # atomic: the stream never sees half a file
            stamp = time.time()
            landed[-len(lines) :] = [(stamp, *entry) for entry in landed[-len(lines) :]]
            batch += 1
            stop.wait(0.5)

    seen = {}  # (location, window start) -> list of (wall time, events counted)
    producer = threading.Thread(target=produce)
    producer.start()
    deadline = time.time() + seconds
    try:
        while time.time() < deadline + seconds / 2:
            if time.time() >= deadline:
                stop.set()
            if spark.catalog.tableExists(gold):
                polled = time.time()
                for row in spark.table(gold).select("location", "start", "events").collect():
                    key = (row["location"], row["start"].replace(tzinfo=UTC))
                    history = seen.setdefault(key, [])
                    if not history or history[-1][1] != row["events"]:
                        history.append((polled, row["events"]))
            time.sleep(0.25)
    finally:
        stop.set()
        producer.join()
        for query in queries:
            query.stop()

    latencies = []
    for stamp, location, start, ordinal in landed:
        shown = [when for when, count in seen.get((location, start), []) if count >= ordinal]
        if shown:
            latencies.append(max(0.0, shown[0] - stamp))
    if not latencies:
        return {"mode": mode, "events_landed": len(landed), "events_seen_in_gold": 0}
    return {
        "mode": mode,
        "events_landed": len(landed),
        "events_seen_in_gold": len(latencies),
        "median_seconds": round(statistics.median(latencies), 2),
        "p95_seconds": round(percentile(latencies, 0.95), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500_000, help="events for the throughput run (default 500000)")
    parser.add_argument("--seconds", type=float, default=120.0, help="seconds per freshness run (default 120)")
    parser.add_argument("--speedup", type=float, default=10.0, help="event clock speed-up for freshness (default 10)")
    parser.add_argument(
        "--interval", default="1 second", help="processing-time trigger for freshness (default 1 second)"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lakestream-bench-"))
    spark = local_session(str(workdir / "warehouse"), app_name="lakestream-bench")
    try:
        # A small run first, so that JVM warm-up is not billed to the measured one.
        warmup = workdir / "warmup"
        warmup.mkdir()
        write_lines(generate_events(2000, seed=1), warmup / "events.json")
        run_pipeline(
            spark, str(warmup), str(workdir / "warmup-cp"), "update", {"bronze": "w_b", "silver": "w_s", "gold": "w_g"}
        )
        print(f"throughput: {args.events} events ...", file=sys.stderr)
        throughput = measure_throughput(spark, workdir, args.events)
        print(json.dumps(throughput), file=sys.stderr)
        freshness = {}
        for mode in ("update", "append"):
            print(f"freshness: {mode} mode for {args.seconds:g}s ...", file=sys.stderr)
            freshness[mode] = measure_freshness(spark, workdir, mode, args.seconds, args.speedup, args.interval)
            print(json.dumps(freshness[mode]), file=sys.stderr)
    finally:
        spark.stop()

    update, append = freshness["update"], freshness["append"]
    ratio = None
    if update.get("median_seconds") and append.get("median_seconds"):
        ratio = round(append["median_seconds"] / update["median_seconds"], 1)
    # On a real clock only append's event-time wait (window rest + watermark) stretches by the speed-up.
    append_real = None
    if ratio is not None:
        append_real = round(
            update["median_seconds"] + (append["median_seconds"] - update["median_seconds"]) * args.speedup
        )
    result = {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cores": os.cpu_count(), "spark": spark.version, "note": "local[2], shared machine"},
        "throughput": throughput,
        "freshness": {
            "trigger": args.interval,
            "event_clock_speedup": args.speedup,
            "update": update,
            "append": append,
            "append_to_update_median_ratio": ratio,
            "append_median_seconds_on_real_clock_estimate": append_real,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
