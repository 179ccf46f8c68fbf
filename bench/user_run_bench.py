"""Benchmarks `npm run pipeline:local` as a user runs it, start-up included, side by side with the code before the
start-up work (REFERENCE_COMMIT), and writes bench/results/user_run.json: wall time per run, events/s, the phases
of each run, and a check that both codes print the same result. The current code's figures also go to the
`end_to_end` entry of bench/results/pipeline.json, beside the kernel's.

Each run is a new process started as npm starts it (`bash scripts/python.sh ...` of that code's own checkout, so the
reference uses its own class archive path and settings). The phases are timed the same way for both codes, by
wrapping the functions each phase calls (`--worker`). They add up to the run, except that the current code boots the
JVM of a large file while it checks the lines: there `jvm-start` overlaps `line-check`. See docs/local-pipeline.md.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchlib import DOUBLE_DIGITS, load_average, log

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "user_run.json"
# The kernel's figures (npm run bench:pipeline); this benchmark sets its `end_to_end` entry beside them.
PIPELINE_RESULTS = ROOT / "bench" / "results" / "pipeline.json"
# The code before this work: the pipeline as a user ran it when the slow local run was measured.
REFERENCE_COMMIT = "cba48a8e87ed098fd535369b128238ce52a96429"
# Held out: the tests generate with seeds 5-8, 21 and 42, the pipeline benchmark with 11.
SEED = 2311
EVENTS = 300_000
MALFORMED_EVERY = 10
# The functions whose time makes each phase, by module (both codes have them); the first call of each is timed.
PHASES = {
    "medallion.local": {
        "check_lines": "line-check",
        "content_hash": "content-hash",
        "local_session": "jvm-start",
        "summary": "summary",
    },
    "medallion.local_lakehouse": {
        "create_tables": "create-tables",
        "start_single_stream": "stream-start",
        "finish_connector_stream": "stream-batches",
    },
}


# ---------------------------------------------------------------- worker side (runs in the code's own process)


def worker(argv: list[str]) -> int:
    """Runs `medallion.local` with `argv`, printing `phase NAME SECONDS` lines to stderr for each wrapped function."""
    import importlib  # noqa: PLC0415

    def timed(function, name):
        def run(*args, **kwargs):
            began = time.monotonic()
            try:
                return function(*args, **kwargs)
            finally:
                print(f"phase {name} {time.monotonic() - began:.2f}", file=sys.stderr, flush=True)

        return run

    began = time.monotonic()
    local = importlib.import_module("medallion.local")
    print(f"phase imports {time.monotonic() - began:.2f}", file=sys.stderr, flush=True)
    for module_name, functions in PHASES.items():
        module = importlib.import_module(module_name)
        for function, name in functions.items():
            setattr(module, function, timed(getattr(module, function), name))
    return local.main(argv)


# ---------------------------------------------------------------- orchestration


def checkout(work: Path, commit: str) -> Path:
    """The code at `commit` in a folder of its own, sharing this checkout's Python environment."""
    tree = work / "reference"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / ".venv").symlink_to((ROOT / ".venv").resolve())
    return tree


def write_input(path: Path, events: int) -> None:
    from medallion.sample import generate_events, write_lines  # noqa: PLC0415

    write_lines(generate_events(events, seed=SEED, seconds_between=0.5, malformed_every=MALFORMED_EVERY), path)


def run_once(tree: Path, input_file: Path) -> dict:
    """One `npm run pipeline:local -- --input FILE --json` of the code in `tree`: wall time, phases, result."""
    command = ["bash", str(tree / "scripts" / "python.sh"), str(Path(__file__).resolve()), "--worker"]
    command += ["--input", str(input_file), "--json"]
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "LAKESTREAM_JARS_DIR")}
    load = load_average()
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tree)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr[-4000:])
        raise SystemExit(f"the run of {tree} failed with exit code {completed.returncode}")
    phases = {}
    for line in completed.stderr.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "phase" and parts[1] not in phases:
            phases[parts[1]] = float(parts[2])
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    return {"seconds": round(seconds, 2), "load_average": load, "phases": phases, "result": result}


def comparable(result: dict) -> dict:
    """A `--json` result with gold's averages rounded to 9 decimals: an average's last bits depend on the order Spark
    sums its rows in, which neither code fixes (the kill harness compares tables the same way)."""
    rounded = [
        {key: round(value, DOUBLE_DIGITS) if isinstance(value, float) else value for key, value in row.items()}
        for row in result["gold"]
    ]
    return {**result, "gold": rounded}


def summarize(runs: list[dict], events: int) -> dict:
    seconds = [run["seconds"] for run in runs]
    median = statistics.median(seconds)
    names = list(dict.fromkeys(name for run in runs for name in run["phases"]))
    return {
        "seconds": seconds,
        "median_seconds": round(median, 2),
        "events_per_second": round(events / median),
        "load_average": [run["load_average"] for run in runs],
        "median_phases": {
            name: round(statistics.median(run["phases"][name] for run in runs if name in run["phases"]), 2)
            for name in names
        },
    }


def record_end_to_end(results: dict) -> None:
    """Sets `end_to_end` in pipeline.json: what a user sees from one command, beside the kernel's events/s there."""
    pipeline = json.loads(PIPELINE_RESULTS.read_text()) if PIPELINE_RESULTS.is_file() else {}
    one_file, one_event = results["one_file"], results["one_event"]
    pipeline["end_to_end"] = {
        "command": results["command"],
        "measured_at": results["measured_at"],
        "details": str(RESULTS.relative_to(ROOT)),
        "events": one_file["events"],
        "events_per_second": one_file["current"]["events_per_second"],
        "median_seconds": one_file["current"]["median_seconds"],
        "one_event_median_seconds": one_event["current"]["median_seconds"],
        "load_average": one_file["current"]["load_average"] + one_event["current"]["load_average"],
    }
    PIPELINE_RESULTS.write_text(json.dumps(pipeline, indent=2) + "\n")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        return worker(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each code per input (median reported)")
    parser.add_argument("--events", type=int, default=EVENTS, help="events in the one-file input")
    parser.add_argument("--no-write", action="store_true", help="print the results, do not write user_run.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lakestream-user-run-"))
    try:
        codes = {"reference": checkout(work, REFERENCE_COMMIT), "current": ROOT}
        inputs = {"one_event": (work / "one-event.json", 1), "one_file": (work / "events.json", args.events)}
        for path, events in inputs.values():
            write_input(path, events)
        measured = {(code, name): [] for code in codes for name in inputs}
        # Interleaved (reference, current, reference, ...) so both codes see the same load over the run.
        for name, (path, _) in inputs.items():
            for index in range(args.runs):
                for code, tree in codes.items():
                    run = run_once(tree, path)
                    log(f"{name} {code} run {index + 1}: {run['seconds']:.1f} s (load {run['load_average']})")
                    measured[(code, name)].append(run)
        results = {
            "command": "npm run pipeline:local -- --input FILE --json",
            "reference_commit": REFERENCE_COMMIT,
            "machine": {"cores": os.cpu_count()},
            "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        for name, (_, events) in inputs.items():
            entry = {"events": events, "seed": SEED}
            for code in codes:
                entry[code] = summarize(measured[(code, name)], events)
            same = all(
                comparable(run["result"]) == comparable(measured[("reference", name)][0]["result"])
                for code in codes
                for run in measured[(code, name)]
            )
            entry["same_result"] = same
            entry["speedup"] = round(entry["reference"]["median_seconds"] / entry["current"]["median_seconds"], 2)
            results[name] = entry
        text = json.dumps(results, indent=2) + "\n"
        if args.no_write:
            print(text)
        else:
            RESULTS.write_text(text)
            record_end_to_end(results)
            log(f"wrote {RESULTS.relative_to(ROOT)} and the end_to_end entry of {PIPELINE_RESULTS.relative_to(ROOT)}")
        return 0 if all(results[name]["same_result"] for name in inputs) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
