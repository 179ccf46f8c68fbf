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

from benchlib import comparable_columns, load_average, log

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "pipeline.json"
# The pipeline as it stood before silver's single parse and the single-stream layout: the reference output and speed.
REFERENCE_COMMIT = "115f2b4a300394bba9e4a2d231db746dc5b03cce"
# The code before the duplicate check's one-hour bound: the silver-size part measures against it.
BEFORE_BOUND_COMMIT = "69a1941c3f5cf40fb85d6c0ba1037b4fe8d669ed"
BASIC_TU_EVENTS_PER_SECOND = 1000  # Event Hubs ingress per throughput unit
SILVER_DAYS = 30  # the silver-size part's silver spans this many days, one append per day
FILES_PER_DAY = 4
BATCH_EVENTS = 5000  # the silver-size part's micro-batch
FILES = 10
MALFORMED_EVERY = 10  # 10 % of the events: every kind the silver tests quarantine, in turn, and re-sent events
WARMUP_EVENTS = 50_000
# The catalog of a local session, the same in every code this benchmark runs (Spark's built-in one).
SESSION_CATALOG = "spark_catalog"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# ---------------------------------------------------------------- input


def malformed_bodies() -> list:
    """Every body the silver tests expect in quarantine (tests/notebooks/test_silver.py CASES), with its reason."""
    sys.path.insert(0, str(ROOT / "tests" / "notebooks"))
    from test_silver import CASES  # noqa: PLC0415 - the tests' table is the list of kinds

    return [body for body, reason in CASES.values() if reason is not None]


def write_input(directory: Path, events: int, seed: int = 11) -> None:
    """`events` connector rows in FILES files: generated weather events, every MALFORMED_EVERY-th one a malformed body
    of the next kind, and among those, every fourth a re-send of one of the last 1,000 valid events (a duplicate
    event_id at most 500 s of event time later, inside the producer's retry window and silver's one-hour bound)."""
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
            else:
                earlier.append(event["body"])
                if len(earlier) > 1000:
                    earlier.pop(0)
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
    (the time of the run), in `benchlib.comparable_columns`' form."""
    from pyspark.sql import functions as F  # noqa: PLC0415

    # Spelled out, not imported: the reference code runs this too, and has no medallion.local_lakehouse.
    tables = {
        "bronze": f"{SESSION_CATALOG}.{schemas['bronze']}.weather",
        "silver": f"{SESSION_CATALOG}.{schemas['silver']}.weather",
        "quarantine": f"{SESSION_CATALOG}.{schemas['silver']}.weather_quarantine",
        "gold": f"{SESSION_CATALOG}.{schemas['gold']}.weather_summary",
    }
    prints = {}
    for name, table in tables.items():
        frame = spark.table(table)
        columns = comparable_columns(frame, ("ingested_at",))
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


def silver_id(number: int) -> str:
    """The event_id of synthetic silver row `number`: random-looking, as the producer's UUIDs are, so file statistics
    on event_id prune nothing."""
    import hashlib  # noqa: PLC0415

    return hashlib.sha256(str(number).encode()).hexdigest()[:32]


SILVER_START = datetime(2026, 1, 1, tzinfo=UTC)


def fill_silver(spark, table: str, rows: int) -> None:
    """`rows` synthetic silver rows spread evenly over SILVER_DAYS days from SILVER_START, appended day by day in time
    order (FILES_PER_DAY files each), as a running stream leaves silver. Built from the code's own SILVER_SCHEMA."""
    from pyspark.sql import functions as F  # noqa: PLC0415

    from medallion.schema import SILVER_SCHEMA  # noqa: PLC0415

    step_micros = SILVER_DAYS * 86_400_000_000 // max(rows, 1)
    start_micros = int(SILVER_START.timestamp() * 1_000_000)
    moment = F.timestamp_micros(F.lit(start_micros) + F.col("id") * F.lit(step_micros))
    by_name = {
        "event_id": F.substring(F.sha2(F.col("id").cast("string"), 256), 1, 32),
        "location": F.element_at(
            F.array(*[F.lit(name) for name in ("Oslo", "Lima", "Pune", "Perth")]), (1 + F.col("id") % 4).cast("int")
        ),
        "timestamp": moment,
        "event_timestamp": moment,
        "temperature": (F.col("id") % 40).cast("double"),
        "humidity": (F.col("id") % 100).cast("double"),
        "partition": (F.col("id") % 2).cast("string"),
        "offset": F.col("id").cast("string"),
        "sequenceNumber": F.col("id"),
        "ingested_at": moment,
    }
    columns = [by_name.get(f.name, F.lit(None)).cast(f.dataType).alias(f.name) for f in SILVER_SCHEMA.fields]
    per_day = rows // SILVER_DAYS
    for day in range(SILVER_DAYS if rows else 0):
        last = rows if day == SILVER_DAYS - 1 else (day + 1) * per_day
        days_rows = spark.range(day * per_day, last, numPartitions=FILES_PER_DAY).select(*columns)
        days_rows.write.format("delta").mode("append").saveAsTable(table)


def silver_size_batch(rows: int) -> list[dict]:
    """BATCH_EVENTS line-format events just after silver's newest row, 0.1 s apart: 50 re-sends (new enqueuedTime) and
    50 hub redeliveries (same enqueuedTime) of silver's last rows, inside the one-hour bound, and 10 re-sends of rows
    from silver's first day, outside it (the code before the bound catches those; the bounded code counts them
    twice)."""
    from medallion.sample import generate_events, iso  # noqa: PLC0415

    step = timedelta(microseconds=SILVER_DAYS * 86_400_000_000 // max(rows, 1))  # as fill_silver spaces the rows
    newest = SILVER_START + step * (rows - 1) if rows else SILVER_START
    start = newest + timedelta(seconds=1)
    events = list(generate_events(BATCH_EVENTS, seed=5, start=start, seconds_between=0.1, malformed_every=0))
    if rows < 1000:
        return events

    def copy(index: int, number: int, moment: datetime) -> None:
        body = json.loads(events[index]["body"])
        events[index] = {**events[index], "body": json.dumps({**body, "event_id": silver_id(number)})}
        events[index]["enqueuedTime"] = iso(moment)

    for n in range(50):  # re-sends of the last 50 rows, within the batch's first minutes
        copy(100 + n * 20, rows - 1 - n, start + timedelta(seconds=10 + n * 2))
    for n in range(50):  # redeliveries of rows 50..99 from the end, with their own times
        number = rows - 51 - n
        copy(1100 + n * 20, number, SILVER_START + step * number)
    for n in range(10):  # re-sends of first-day rows, a month later
        copy(2100 + n * 20, n, start + timedelta(seconds=20 + n))
    return events


def worker_silver_size(spec: dict) -> dict:
    """One micro-batch of BATCH_EVENTS events written by each layout's silver path against a silver of each size in
    `sizes` (one set of tables per size, all built in this process), `runs` rounds; each round runs every size and
    layout in turn, so the sizes are compared under the same load, moment by moment, rather than minutes apart. Every
    table is restored to its version before each batch, so every run sees the same silver. The first batch of each
    size and layout warms the JVM up and is not measured; the process's peak memory is reset after the builds (Linux
    `clear_refs`)."""
    from medallion.bronze import lines_to_connector_rows, to_bronze  # noqa: PLC0415
    from medallion.local_lakehouse import LOCAL_CATALOG  # noqa: PLC0415
    from medallion.sample import write_lines  # noqa: PLC0415
    from medallion.schema import LINE_SCHEMA  # noqa: PLC0415
    from medallion.session import local_session  # noqa: PLC0415
    from medallion.silver import write_silver_batch  # noqa: PLC0415
    from medallion.single_stream import BatchLog, write_medallion_batch  # noqa: PLC0415
    from medallion.tables import create_tables, medallion_tables  # noqa: PLC0415

    work = Path(spec["work"])
    spark = local_session(str(work / "warehouse"), app_name="lakestream-bench")
    try:
        cases, build_seconds = {}, {}
        for rows in spec["sizes"]:
            schemas = {layer: f"size{rows}_{layer}" for layer in ("bronze", "silver", "gold")}
            for schema in schemas.values():
                spark.sql(f"CREATE SCHEMA IF NOT EXISTS {LOCAL_CATALOG}.{schema}")
            create_tables(spark, LOCAL_CATALOG, schemas["bronze"], schemas["silver"], schemas["gold"])
            tables = medallion_tables(LOCAL_CATALOG, schemas["bronze"], schemas["silver"], schemas["gold"])
            started = time.perf_counter()
            fill_silver(spark, tables.silver, rows)
            build_seconds[rows] = round(time.perf_counter() - started, 1)
            write_lines(silver_size_batch(rows), work / f"batch-{rows}.json")
            lines = spark.read.schema(LINE_SCHEMA).json(str(work / f"batch-{rows}.json"))
            batch = to_bronze(lines_to_connector_rows(lines)).persist()
            batch.count()
            every = (tables.bronze, tables.silver, tables.quarantine, tables.gold)
            versions = {table: spark.sql(f"DESCRIBE HISTORY {table} LIMIT 1").first()["version"] for table in every}
            cases[rows] = (tables, batch, versions)

        def restore(versions: dict) -> None:
            for table, version in versions.items():
                if spark.sql(f"DESCRIBE HISTORY {table} LIMIT 1").first()["version"] != version:
                    spark.sql(f"RESTORE TABLE {table} TO VERSION AS OF {version}")

        def run(rows: int, layout: str, number: int) -> tuple[float, int]:
            tables, batch, versions = cases[rows]
            app_id = f"bench-{rows}-{layout}-{number}"
            started = time.perf_counter()
            if layout == "layered":
                write_silver_batch(batch, 0, tables.silver, tables.quarantine, app_id)
            else:
                log = BatchLog(str(work / f"plans-{app_id}"))
                write_medallion_batch(batch, 0, tables, app_id, "update", log)
            seconds = time.perf_counter() - started
            caught = spark.table(tables.quarantine).where("reason = 'duplicate event_id'").count()
            restore(versions)
            return seconds, caught

        pid = spark.sparkContext._gateway.proc.pid
        for rows in spec["sizes"]:
            for layout in ("layered", "single"):
                run(rows, layout, -1)
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            peak_note = "after the silver builds and a warm-up batch per size and layout"
        except OSError:
            peak_note = "whole process, silver builds included (clear_refs not available)"
        seconds = {rows: defaultdict(list) for rows in spec["sizes"]}
        caught = {rows: {} for rows in spec["sizes"]}
        loads = []
        for number in range(spec["runs"]):
            for rows in spec["sizes"]:
                for layout in ("layered", "single"):
                    elapsed, duplicates = run(rows, layout, number)
                    seconds[rows][layout].append(elapsed)
                    caught[rows][layout] = duplicates
            loads.append(load_average())
        return {
            "sizes": {
                str(rows): {"seconds": dict(seconds[rows]), "duplicates_caught": caught[rows]} for rows in spec["sizes"]
            },
            "build_seconds": {str(rows): value for rows, value in build_seconds.items()},
            "round_load_averages": loads,
            "peak_rss_bytes": jvm_peak_bytes(spark),
            "peak_note": peak_note,
        }
    finally:
        spark.stop()


# ---------------------------------------------------------------- orchestration


class Bench:
    # Earlier code each comparison runs against, taken from git: `reference` for throughput and the fixed cost,
    # `before_bound` (the duplicate check reading all of silver) for the silver-size part.
    COMMITS = {"reference": REFERENCE_COMMIT, "before_bound": BEFORE_BOUND_COMMIT}

    def __init__(self, work: Path):
        self.work = work
        self.trees = {}

    def tree(self, code: str) -> Path:
        """The folder holding `code`'s notebooks/medallion, extracted from git on first use."""
        if code not in self.trees:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", self.COMMITS[code], "notebooks/medallion"],
                check=True,
                capture_output=True,
            ).stdout
            folder = self.work / code
            folder.mkdir()
            subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
            self.trees[code] = folder
        return self.trees[code]

    def env(self, code: str) -> dict:
        notebooks = ROOT / "notebooks" if code == "current" else self.tree(code) / "notebooks"
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


def rate(events: int, seconds: float) -> int:
    return round(events / seconds)


def silver_size(bench: Bench, args) -> dict:
    """Batch time against silver sizes, the bounded check beside the code before it: one worker per code holding every
    size, its rounds running each size and layout in turn; each code in a process of its own."""
    sizes = [int(size) for size in args.silver_rows.split(",") if size]
    if 0 not in sizes:
        raise SystemExit("--silver-rows must include 0: batch times are reported against the empty silver's")
    entries = []
    for code in ("before_bound", "current"):
        log(f"silver size: {code}, silver rows {sizes}, {args.runs} rounds")
        result = bench.worker("silver_size", code, {"sizes": sizes, "runs": args.runs})
        peak = result["peak_rss_bytes"]
        entry = {
            "code": code,
            "peak_driver_rss_mib": round(peak / 2**20) if peak else None,
            "peak_note": result["peak_note"],
            "load_average": result["load_average"],
            "round_load_averages": result["round_load_averages"],
            "sizes": {},
        }
        for rows in sizes:
            measured = result["sizes"][str(rows)]
            entry["sizes"][str(rows)] = {
                "silver_build_seconds": result["build_seconds"][str(rows)],
                **{
                    layout: {
                        "seconds": [round(value, 2) for value in values],
                        "median_seconds": round(statistics.median(values), 2),
                        "duplicates_caught": measured["duplicates_caught"][layout],
                    }
                    for layout, values in measured["seconds"].items()
                },
            }
        # Each round's batch time against the empty silver's in the same round, then the median of those ratios:
        # a load swing between rounds moves both times of a round together.
        entry["batch_time_vs_empty_silver"] = {
            f"{rows}_vs_0": {
                layout: round(
                    statistics.median(
                        mine / empty
                        for mine, empty in zip(
                            result["sizes"][str(rows)]["seconds"][layout],
                            result["sizes"]["0"]["seconds"][layout],
                            strict=True,
                        )
                    ),
                    2,
                )
                for layout in ("layered", "single")
            }
            for rows in sizes
            if rows
        }
        entries.append(entry)
        log(json.dumps(entry))
    return {
        "batch_events": BATCH_EVENTS,
        "silver_days": SILVER_DAYS,
        "files_per_day": FILES_PER_DAY,
        "before_bound_commit": BEFORE_BOUND_COMMIT,
        "note": "one micro-batch through each layout's silver write path (single: all four tables); every run on the "
        "same silver; the batch holds 100 repeats inside the one-hour bound and 10 from silver's first day; ratios "
        "are medians of per-round ratios against the empty silver in the same process",
        "results": entries,
        "batch_time_vs_empty_silver": {entry["code"]: entry["batch_time_vs_empty_silver"] for entry in entries},
    }


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
        "--silver-rows",
        default="0,1000000,10000000",
        help=f"silver sizes for the silver-size part, rows over {SILVER_DAYS} days (0,1000000,10000000)",
    )
    parser.add_argument(
        "--only",
        default="throughput,freshness,scaling,fixed,silver_size",
        help="parts to run (throughput,freshness,scaling,fixed,silver_size); the others keep their figures in the "
        "results file",
    )
    parser.add_argument(
        "--no-save",
        action="store_true",
        help="print the figures without writing bench/results/pipeline.json (a trial run, e.g. on a busy machine)",
    )
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(args.worker)
        workers = {"throughput": worker_throughput, "freshness": worker_freshness, "silver_size": worker_silver_size}
        result = workers[spec["kind"]](spec)
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
        common = {"warmup": str(inputs / "warmup")}
        if parts & {"throughput", "scaling"}:
            write_input(inputs / "warmup", WARMUP_EVENTS, seed=1)
            write_input(inputs / str(args.events), args.events)

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

        if "silver_size" in parts:
            results["silver_size"] = silver_size(bench, args)

    results["reference_commit"] = REFERENCE_COMMIT
    results["measured_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    results["machine"] = {"cores": os.cpu_count(), "spark": "3.5.0 local[2]", "note": "shared machine"}
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
