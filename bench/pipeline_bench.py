"""Benchmarks the medallion pipeline on local Spark, side by side with the code before its optimisation, and writes
bench/results/pipeline.json: throughput (with a check that both write the same tables), gold freshness per trigger
interval, scaling with peak driver memory, and the fixed cost of `npm run pipeline:local` over one event.

Every measurement runs in a process of its own (a fresh JVM, whose peak memory is read from /proc), so the reference
code runs exactly as it was: it is taken from git (REFERENCE_COMMIT) into a temporary folder. See
docs/local-pipeline.md for how to read the figures.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "pipeline.json"
# The pipeline as it stood before silver's single parse and the single-stream layout: the reference output and speed.
REFERENCE_COMMIT = "115f2b4a300394bba9e4a2d231db746dc5b03cce"
BASIC_TU_EVENTS_PER_SECOND = 1000  # Event Hubs ingress per throughput unit
FILES = 10
MALFORMED_EVERY = 10  # 10 % of the events: every kind the silver tests quarantine, in turn, and re-sent events
WARMUP_EVENTS = 50_000


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


# ---------------------------------------------------------------- input


def malformed_bodies() -> list:
    """Every body the silver tests expect in quarantine (tests/notebooks/test_silver.py CASES), with its reason."""
    sys.path.insert(0, str(ROOT / "tests" / "notebooks"))
    from test_silver import CASES  # noqa: PLC0415 - the tests' table is the list of kinds

    return [body for body, reason in CASES.values() if reason is not None]


def write_input(directory: Path, events: int, seed: int = 11) -> None:
    """`events` connector rows in FILES files: generated weather events, every MALFORMED_EVERY-th one a malformed body
    of the next kind, and among those, every fourth a re-send of an earlier valid event (a duplicate event_id)."""
    from medallion.sample import generate_events  # noqa: PLC0415

    directory.mkdir(parents=True)
    kinds = malformed_bodies()
    generated = generate_events(events, seed=seed, seconds_between=0.5, malformed_every=0)
    per_file = events // FILES
    earlier = []
    with_kinds = 0
    outputs = [(directory / f"{part}.json").open("w", encoding="utf-8") for part in range(FILES)]
    try:
        for index, event in enumerate(generated):
            if index % MALFORMED_EVERY == MALFORMED_EVERY - 1:
                if with_kinds % 4 == 3 and earlier:
                    event = {**event, "body": earlier[(index * 7919) % len(earlier)]}
                else:
                    event = {**event, "body": kinds[with_kinds % len(kinds)]}
                with_kinds += 1
            elif len(earlier) < 1000:
                earlier.append(event["body"])
            outputs[min(index // per_file, FILES - 1)].write(json.dumps(event) + "\n")
    finally:
        for output in outputs:
            output.close()


# ---------------------------------------------------------------- worker side (runs in its own process)


def jvm_peak_bytes(spark) -> int | None:
    """The driver JVM's peak resident memory (VmHWM), read from /proc; None where /proc is not there."""
    pid = spark.sparkContext._gateway.proc.pid
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def table_fingerprints(spark, schemas: dict) -> dict:
    """An order-independent fingerprint of every table (row count and the sum of row hashes), without ingested_at
    (the time of the run)."""
    from pyspark.sql import functions as F  # noqa: PLC0415

    from medallion.local_lakehouse import LOCAL_CATALOG  # noqa: PLC0415

    tables = {
        "bronze": f"{LOCAL_CATALOG}.{schemas['bronze']}.weather",
        "silver": f"{LOCAL_CATALOG}.{schemas['silver']}.weather",
        "quarantine": f"{LOCAL_CATALOG}.{schemas['silver']}.weather_quarantine",
        "gold": f"{LOCAL_CATALOG}.{schemas['gold']}.weather_summary",
    }
    prints = {}
    for name, table in tables.items():
        frame = spark.table(table)
        columns = sorted(column for column in frame.columns if column != "ingested_at")
        row_hash = F.conv(F.substring(F.sha2(F.to_json(F.struct(*columns)), 256), 1, 15), 16, 10)
        row = frame.agg(F.count(F.lit(1)).alias("rows"), F.sum(row_hash.cast("decimal(38,0)")).alias("hash")).first()
        prints[name] = {"rows": row["rows"], "hash": str(row["hash"])}
    prints["quarantine_reasons"] = {
        row["reason"]: row["count"] for row in spark.table(tables["quarantine"]).groupBy("reason").count().collect()
    }
    return prints


def worker_throughput(spec: dict) -> dict:
    """Warm-up run, then `runs` measured runs over the prepared input, each on fresh tables and checkpoints."""
    import medallion.local as local  # noqa: PLC0415
    from medallion.session import local_session  # noqa: PLC0415

    work = Path(spec["work"])
    spark = local_session(str(work / "warehouse"), app_name="lakestream-bench")
    layout = {} if spec["code"] == "reference" else {"streams": spec["streams"]}
    try:
        if spec.get("warmup"):
            names = {layer: f"warm_{layer}" for layer in ("bronze", "silver", "gold")}
            local.run_pipeline(spark, spec["warmup"], str(work / "cp-warm"), "update", names, **layout)
        seconds = []
        for run in range(spec["runs"]):
            names = {layer: f"r{run}_{layer}" for layer in ("bronze", "silver", "gold")}
            started = time.perf_counter()
            local.run_pipeline(spark, spec["input"], str(work / f"cp-{run}"), "update", names, **layout)
            seconds.append(time.perf_counter() - started)
        fingerprints = table_fingerprints(spark, names) if spec.get("fingerprint") else None
        return {"seconds": seconds, "peak_rss_bytes": jvm_peak_bytes(spark), "tables": fingerprints}
    finally:
        spark.stop()


def land_events(stop: threading.Event, source: Path, staging: Path, speedup: float, landed: list) -> None:
    """Every 0.5 s until `stop`: one event per location in a new file, moved into `source` whole; appends (wall time
    landed, location, window start, ordinal of the event in its window) to `landed`. Event time runs `speedup` times
    faster than the wall clock, from 2026-01-01T10:00Z."""
    from medallion.sample import LOCATIONS, iso, write_lines  # noqa: PLC0415

    per_window = defaultdict(int)
    origin_wall, origin_event = time.time(), datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    batch = 0
    while not stop.is_set():
        moment = origin_event + timedelta(seconds=(time.time() - origin_wall) * speedup)
        lines, entries = [], []
        for location in LOCATIONS:
            start = moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)
            per_window[(location, start)] += 1
            body = json.dumps({"location": location, "temperature": 10.0, "humidity": 50.0})
            lines.append({"body": body, "enqueuedTime": iso(moment), "partition": "0"})
            entries.append((location, start, per_window[(location, start)]))
        staged = staging / f"{batch:06d}.json"
        write_lines(lines, staged)
        os.replace(staged, source / staged.name)  # atomic: the stream never sees half a file
        stamp = time.time()
        landed.extend((stamp, *entry) for entry in entries)
        batch += 1
        stop.wait(0.5)


def warm_up_stream(spark, source: Path, gold: str, timeout: float = 180.0) -> None:
    """Lands one event of a location the measurement does not use and waits until gold counts it: a stream's first
    micro-batch on new tables pays for loading classes and planning once, which is not what freshness measures."""
    from medallion.sample import write_lines  # noqa: PLC0415

    body = json.dumps({"location": "Warm-up", "temperature": 10.0, "humidity": 50.0})
    staged = source.parent / f"{source.name}-warm-up.json"
    write_lines([{"body": body, "enqueuedTime": "2026-01-01T09:59:00Z", "partition": "0"}], staged)
    os.replace(staged, source / "warm-up.json")
    deadline = time.time() + timeout
    while spark.table(gold).where("location = 'Warm-up'").count() == 0:
        if time.time() > deadline:
            raise SystemExit(f"freshness warm-up: gold did not count the warm-up event within {timeout:g} s")
        time.sleep(0.5)


def worker_freshness(spec: dict) -> dict:
    """Lands a small file of events every 0.5 s for `seconds`, polls gold every 0.5 s, and times each event from the
    moment its file lands to the first poll that sees gold count it. Repeated `runs` times on fresh tables."""
    from medallion.bronze import read_connector_lines, start_bronze, to_bronze  # noqa: PLC0415
    from medallion.gold import start_gold  # noqa: PLC0415
    from medallion.local_lakehouse import LOCAL_CATALOG  # noqa: PLC0415
    from medallion.session import local_session  # noqa: PLC0415
    from medallion.silver import start_silver  # noqa: PLC0415
    from medallion.single_stream import start_single_stream  # noqa: PLC0415
    from medallion.tables import (  # noqa: PLC0415
        MedallionTables,  # noqa: PLC0415
        bronze_table,
        create_tables,  # noqa: PLC0415
        gold_table,
        quarantine_table,
        silver_table,
    )

    work = Path(spec["work"])
    spark = local_session(str(work / "warehouse"), app_name="lakestream-bench")
    interval = spec["interval"]
    runs = []
    try:
        for run in range(spec["runs"]):
            name = f"fresh{run}"
            schemas = {layer: f"{name}_{layer}" for layer in ("bronze", "silver", "gold")}
            for schema in schemas.values():
                spark.sql(f"CREATE SCHEMA IF NOT EXISTS {LOCAL_CATALOG}.{schema}")
            create_tables(spark, LOCAL_CATALOG, schemas["bronze"], schemas["silver"], schemas["gold"])
            tables = MedallionTables(
                bronze=bronze_table(LOCAL_CATALOG, schemas["bronze"]),
                silver=silver_table(LOCAL_CATALOG, schemas["silver"]),
                quarantine=quarantine_table(LOCAL_CATALOG, schemas["silver"]),
                gold=gold_table(LOCAL_CATALOG, schemas["gold"]),
            )
            source, staging = work / f"{name}-source", work / f"{name}-staging"
            source.mkdir()
            staging.mkdir()
            checkpoints = str(work / f"{name}-cp")
            rows = to_bronze(read_connector_lines(spark, str(source)))
            if spec["streams"] == "single":
                queries = [start_single_stream(rows, tables, checkpoints, "continuous", "update", name, interval)]
            else:
                queries = [
                    start_bronze(rows, tables.bronze, checkpoints, "continuous", f"{name}_b", interval),
                    start_silver(
                        spark.readStream.table(tables.bronze),
                        tables.silver,
                        tables.quarantine,
                        checkpoints,
                        "continuous",
                        f"{name}_s",
                        interval,
                    ),
                    start_gold(
                        spark.readStream.table(tables.silver),
                        tables.gold,
                        checkpoints,
                        "continuous",
                        "update",
                        f"{name}_g",
                        interval,
                    ),
                ]
            warm_up_stream(spark, source, tables.gold)
            landed = []  # (wall time landed, location, window start, ordinal of the event in its window)
            stop = threading.Event()
            producer = threading.Thread(target=land_events, args=(stop, source, staging, spec["speedup"], landed))
            seen = {}  # (location, window start) -> [(wall time, events counted)]
            producer.start()
            deadline = time.time() + spec["seconds"]
            try:
                # Polls until every landed event had time to arrive: the run's length plus two trigger intervals.
                while time.time() < deadline + 2 * spec["interval_seconds"] + 10:
                    if time.time() >= deadline:
                        stop.set()
                    polled = time.time()
                    gold_rows = spark.table(tables.gold).where("location != 'Warm-up'")
                    for row in gold_rows.select("location", "start", "events").collect():
                        key = (row["location"], row["start"].replace(tzinfo=UTC))
                        history = seen.setdefault(key, [])
                        if not history or history[-1][1] != row["events"]:
                            history.append((polled, row["events"]))
                    time.sleep(0.5)
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
            runs.append(
                {
                    "events_landed": len(landed),
                    "events_seen_in_gold": len(latencies),
                    "median_seconds": round(statistics.median(latencies), 2) if latencies else None,
                    "p95_seconds": round(percentile(latencies, 0.95), 2) if latencies else None,
                }
            )
        return {"runs": runs, "peak_rss_bytes": jvm_peak_bytes(spark)}
    finally:
        spark.stop()


# ---------------------------------------------------------------- orchestration


class Bench:
    def __init__(self, work: Path):
        self.work = work
        self.reference = work / "reference"
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", REFERENCE_COMMIT, "notebooks/medallion"],
            check=True,
            capture_output=True,
        ).stdout
        self.reference.mkdir()
        subprocess.run(["tar", "-x", "-C", str(self.reference)], input=archive, check=True)

    def env(self, code: str) -> dict:
        notebooks = self.reference / "notebooks" if code == "reference" else ROOT / "notebooks"
        return {
            **os.environ,
            "PYTHONPATH": f"{notebooks}{os.pathsep}{ROOT / 'bench'}",
            "LAKESTREAM_JARS_DIR": os.environ.get("LAKESTREAM_JARS_DIR", str(ROOT / ".venv" / "jars")),
        }

    def worker(self, kind: str, code: str, spec: dict) -> dict:
        spec = {**spec, "kind": kind, "code": code, "work": str(Path(tempfile.mkdtemp(dir=self.work)))}
        load_before = load_average()
        completed = subprocess.run(
            [sys.executable, __file__, "--worker", json.dumps(spec)],
            env=self.env(code),
            capture_output=True,
            text=True,
        )
        if completed.returncode != 0:
            sys.stderr.write(completed.stderr[-4000:])
            raise SystemExit(f"the {kind} worker ({code}) failed with exit code {completed.returncode}")
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        result["load_average"] = [load_before, load_average()]
        return result

    def fixed_cost(self, code: str, runs: int) -> list[float]:
        """`npm run pipeline:local -- --input one-event.json --json` as a new user runs it: a new process each time."""
        one = self.work / "one-event.json"
        body = json.dumps({"event_id": "e-1", "location": "Oslo", "temperature": 1.5, "humidity": 80})
        one.write_text(json.dumps({"body": body, "enqueuedTime": "2026-01-01T10:00:00Z", "partition": "0"}) + "\n")
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "medallion.local", "--input", str(one), "--json"],
                env=self.env(code),
                check=True,
                capture_output=True,
            )
            seconds.append(round(time.perf_counter() - started, 1))
        return seconds


def log(message: str) -> None:
    print(f"[{datetime.now(UTC).strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def rate(events: int, seconds: float) -> int:
    return round(events / seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, default=500_000, help="events of the throughput runs (500000)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per figure (3)")
    parser.add_argument("--scaling", default="100000,2000000", help="further sizes for scaling (100000,2000000)")
    parser.add_argument("--triggers", default="1,5,10", help="trigger intervals in seconds for freshness (1,5,10)")
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of events per freshness run (30)")
    parser.add_argument("--speedup", type=float, default=10.0, help="event clock speed-up for freshness (10)")
    parser.add_argument(
        "--only",
        default="throughput,freshness,scaling,fixed",
        help="parts to run (throughput,freshness,scaling,fixed); the others keep their figures in the results file",
    )
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(args.worker)
        result = worker_throughput(spec) if spec["kind"] == "throughput" else worker_freshness(spec)
        print(json.dumps(result))
        return 0

    parts = set(args.only.split(","))
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results = results if results.get("reference_commit") == REFERENCE_COMMIT else {}
    with tempfile.TemporaryDirectory(prefix="lakestream-bench-") as temporary:
        bench = Bench(Path(temporary))
        inputs = Path(temporary) / "inputs"
        inputs.mkdir()
        log("writing inputs")
        write_input(inputs / "warmup", WARMUP_EVENTS, seed=1)
        write_input(inputs / str(args.events), args.events)
        common = {"warmup": str(inputs / "warmup")}

        if "throughput" in parts:
            # Side by side: each round runs the reference and both current layouts once, in turn.
            measured = defaultdict(list)
            tables, peaks, loads = {}, defaultdict(list), []
            configurations = (("reference", "layered"), ("current", "single"), ("current", "layered"))
            for round_number in range(args.runs):
                for code, streams in configurations:
                    key = f"{code}_{streams}"
                    log(f"throughput round {round_number + 1}: {key}, {args.events} events")
                    spec = {**common, "input": str(inputs / str(args.events)), "runs": 1, "streams": streams}
                    spec["fingerprint"] = round_number == 0
                    result = bench.worker("throughput", code, spec)
                    measured[key].append(result["seconds"][0])
                    peaks[key].append(result["peak_rss_bytes"])
                    loads.extend(result["load_average"])
                    if result["tables"]:
                        tables[key] = result["tables"]
            summary = {}
            for key, seconds in measured.items():
                median = statistics.median(seconds)
                summary[key] = {
                    "seconds": [round(value, 1) for value in seconds],
                    "median_seconds": round(median, 1),
                    "events_per_second": rate(args.events, median),
                    "basic_throughput_units": round(rate(args.events, median) / BASIC_TU_EVENTS_PER_SECOND, 1),
                    "peak_driver_rss_mib": round(max(peaks[key]) / 2**20) if all(peaks[key]) else None,
                }
            reference_tables = tables["reference_layered"]
            results["throughput"] = {
                "events": args.events,
                "files": FILES,
                "malformed_share": 1 / MALFORMED_EVERY,
                "warmup_events": WARMUP_EVENTS,
                **summary,
                "speedup_single_vs_reference": round(
                    summary["reference_layered"]["median_seconds"] / summary["current_single"]["median_seconds"], 2
                ),
                "same_tables_as_reference": {key: value == reference_tables for key, value in tables.items()},
                "rows": {name: reference_tables[name]["rows"] for name in ("bronze", "silver", "quarantine", "gold")},
                "quarantine_reasons": len(reference_tables["quarantine_reasons"]),
                "load_average": [min(loads), max(loads)],
            }
            log(json.dumps(results["throughput"]))

        if "scaling" in parts:
            sizes = sorted({args.events, *(int(size) for size in args.scaling.split(",") if size)})
            scaling = []
            for size in sizes:
                if size == args.events and "current_single" in results.get("throughput", {}):
                    # The throughput rounds measured this size already, side by side: their median is the figure.
                    measured = results["throughput"]["current_single"]
                    scaling.append(
                        {
                            "events": size,
                            "seconds": measured["median_seconds"],
                            "events_per_second": measured["events_per_second"],
                            "peak_driver_rss_mib": measured["peak_driver_rss_mib"],
                            "load_average": results["throughput"]["load_average"],
                        }
                    )
                    continue
                path = inputs / str(size)
                if not path.exists():
                    log(f"writing {size} events")
                    write_input(path, size)
                log(f"scaling: single, {size} events")
                spec = {**common, "input": str(path), "runs": 1, "streams": "single"}
                result = bench.worker("throughput", "current", spec)
                seconds = result["seconds"][0]
                scaling.append(
                    {
                        "events": size,
                        "seconds": round(seconds, 1),
                        "events_per_second": rate(size, seconds),
                        "peak_driver_rss_mib": round(result["peak_rss_bytes"] / 2**20)
                        if result["peak_rss_bytes"]
                        else None,
                        "load_average": result["load_average"],
                    }
                )
                log(json.dumps(scaling[-1]))
            by_size = {entry["events"]: entry for entry in scaling}
            largest, middle = max(by_size), args.events
            results["scaling"] = {
                "layout": "single",
                "driver_heap": "2g (spark.driver.memory)",
                "runs": scaling,
                "largest_vs_middle_rate": round(
                    by_size[largest]["events_per_second"] / by_size[middle]["events_per_second"], 2
                ),
            }

        if "freshness" in parts:
            freshness = []
            for streams, triggers in (("single", args.triggers.split(",")), ("layered", ["1"])):
                for trigger in triggers:
                    seconds = int(trigger)
                    interval = f"{seconds} second" if seconds == 1 else f"{seconds} seconds"
                    log(f"freshness: {streams}, trigger {interval}, {args.runs} runs of {args.seconds:g} s")
                    spec = {
                        "streams": streams,
                        "interval": interval,
                        "interval_seconds": seconds,
                        "runs": args.runs,
                        "seconds": args.seconds,
                        "speedup": args.speedup,
                    }
                    result = bench.worker("freshness", "current", spec)
                    runs = result["runs"]
                    entry = {
                        "layout": streams,
                        "trigger_seconds": seconds,
                        "runs": runs,
                        "median_seconds": statistics.median(run["median_seconds"] for run in runs),
                        "p95_seconds": statistics.median(run["p95_seconds"] for run in runs),
                        "load_average": result["load_average"],
                    }
                    freshness.append(entry)
                    log(json.dumps(entry))
            results["freshness"] = {
                "gold_mode": "update",
                "event_clock_speedup": args.speedup,
                "note": "median over runs of each run's median and p95, from a file landing to gold counting it",
                "results": freshness,
            }

        if "fixed" in parts:
            fixed = {}
            for code in ("reference", "current"):
                log(f"fixed cost: {code}, {args.runs} runs over one event")
                load_before = load_average()
                seconds = bench.fixed_cost(code, args.runs)
                fixed[code] = {
                    "seconds": seconds,
                    "median_seconds": statistics.median(seconds),
                    "load_average": [load_before, load_average()],
                }
            results["fixed_cost"] = {"command": "npm run pipeline:local -- --input one-event.json --json", **fixed}

    results["reference_commit"] = REFERENCE_COMMIT
    results["measured_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    results["machine"] = {"cores": os.cpu_count(), "spark": "3.5.0 local[2]", "note": "shared machine"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
