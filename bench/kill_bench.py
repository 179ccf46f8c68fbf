"""Exact after a hard kill: kills the local pipeline's whole process group with SIGKILL, at named fault points and
at random moments, resumes it with `--keep`, and compares bronze, silver, quarantine and gold with a clean run's,
row for row, in both layouts and both gold modes.

Usage: python bench/kill_bench.py [--ci] [--random-kills N] [--combos single-update,...] [--seed N] [--out FILE]

The input (medallion.sample, with its malformed bodies, plus repeated event ids within a file and across files) is
split into FILES files placed in the lakehouse's source folder, and every run reads one file per micro-batch
(`--max-files-per-trigger 1`), so the clean run and a killed-and-resumed run have the same batch boundaries.

Per combination (streams single|layered x gold mode update|append):
1. a clean reference run to the end;
2. the fault chain: each fault point of the layout in turn (medallion.faults, armed with LAKESTREAM_FAULT for the next
   batch of the stream it belongs to); each run must die by SIGKILL (return code -9) with the point's marker written;
   the next run resumes with `--keep DIR` and arms the next point; a last run completes it;
3. random kills: new lakehouses, each run killed (the harness kills its process group) at a random moment between
   start and the clean run's wall time, then resumed, until it completes;
and after every completed lakehouse its four tables are compared with the clean run's: a multiset of SHA-256
fingerprints of every row, every column but `ingested_at` (when the run read the row), floats to 9 digits.

--ci: every fault point once per combination plus RANDOM_KILLS_CI random kills; default: at least 20 random kills per
combination (and the fault chain), results in bench/results/kill.json. Exit codes: 0 all tables equal, 1 a mismatch
or a fault point that did not fire or a resume that failed (each printed), 2 bad flags.
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchlib import comparable_columns, log

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "kill.json"
COMBOS = ("single-update", "single-append", "layered-update", "layered-append")
FILES = 8
EVENTS_PER_FILE = 150
MALFORMED_EVERY = 25
# Held out from the tests' seeds (5-8, 21, 42) and the benchmarks' (11, 2311).
SEED = 2377
RANDOM_KILLS_CI = 2
RANDOM_KILLS_DEFAULT = 20
# A random-kill lakehouse is killed at most this many times before it is let run to the end.
KILLS_PER_LAKEHOUSE = 4
# The fault points of each layout, in chain order, and the stream (checkpoint folder) whose batch id each counts.
CHAINS = {
    "single": [
        ("bronze-commit", "pipeline/weather"),
        ("quarantine-commit", "pipeline/weather"),
        ("silver-commit", "pipeline/weather"),
        ("gold-commit", "pipeline/weather"),
        ("batch-log", "pipeline/weather"),
        ("after-silver", "pipeline/weather"),
    ],
    "layered": [
        ("bronze-commit", "bronze/weather"),
        ("quarantine-commit", "silver/weather"),
        ("silver-commit", "silver/weather"),
        ("after-silver", "silver/weather"),
        ("gold-commit", "gold/weather_summary"),
    ],
}
TABLES = {
    "bronze": "bronze.db/weather",
    "silver": "silver.db/weather",
    "quarantine": "silver.db/weather_quarantine",
    "gold": "gold.db/weather_summary",
}
# Columns that say when a run read a row, not what the row is: a resumed run reads the same event later.
IGNORED_COLUMNS = ("ingested_at",)
RESUMES = 6
EXIT_MISMATCH = 1
EXIT_BAD_FLAGS = 2
RUN_TIMEOUT = 900


# ---------------------------------------------------------------- input and lakehouses


def input_files() -> list[list[dict]]:
    """FILES files of connector lines in time order: the sample's events (malformed bodies included), each file also
    holding repeats of two of its own events (same enqueuedTime, another partition: the hub delivering them again)
    and from the second file on a repeat of one of the previous file's events."""
    from medallion.sample import generate_events  # noqa: PLC0415 - the harness's own Python runs it

    events = list(generate_events(FILES * EVENTS_PER_FILE, seed=SEED, malformed_every=MALFORMED_EVERY))
    files = [events[index * EVENTS_PER_FILE : (index + 1) * EVENTS_PER_FILE] for index in range(FILES)]
    sequence = 0

    def repeat(event: dict) -> dict:
        nonlocal sequence
        sequence += 1
        return {**event, "partition": "7", "sequenceNumber": sequence, "offset": str(sequence * 512)}

    result = []
    for index, lines in enumerate(files):
        extra = [repeat(lines[3]), repeat(lines[40])]
        if index > 0:
            extra.append(repeat(files[index - 1][-2]))
        result.append(lines + extra)
    return result


def make_lakehouse(path: Path, streams: str, gold_mode: str, files: list[list[dict]]) -> None:
    """A kept lakehouse (medallion.kept's manifest) whose source holds the input files, none processed yet."""
    from medallion.kept import content_hash, next_source_file, open_kept, record, settle  # noqa: PLC0415
    from medallion.sample import write_lines  # noqa: PLC0415

    kept = open_kept(str(path))
    settle(kept, "file", streams, gold_mode)
    (path / "source").mkdir(parents=True)
    for lines in files:
        name = next_source_file(kept)
        write_lines(lines, path / name)
        record(kept, {"file": name, "sha256": content_hash(path / name), "events": len(lines)})
    # Spark's file source takes the oldest files first: one second apart, the order is the files' order in every run.
    base = time.time() - len(files)
    for index, name in enumerate(entry["file"] for entry in kept.manifest["inputs"]):
        os.utime(path / name, (base + index, base + index))


def next_batch(lakehouse: Path, stream: str, layout: str) -> int:
    """The batch of `stream` a point is armed for. Single layout: the next batch not planned yet (a batch replayed
    after a kill may skip a table it had committed). Layered: the batch planned and not done, if any (silver's and
    gold's streams run one batch per run over this input, so their later points hit its replay), else the next."""
    checkpoint = lakehouse / "checkpoints" / stream

    def ids(folder: str) -> set[int]:
        where = checkpoint / folder
        return {int(name) for name in os.listdir(where) if name.isdigit()} if where.is_dir() else set()

    planned, done = ids("offsets"), ids("commits")
    if layout == "layered" and planned - done:
        return min(planned - done)
    return max(planned, default=-1) + 1


# ---------------------------------------------------------------- running the pipeline


@dataclass
class Run:
    returncode: int
    seconds: float
    marker: list[dict]
    stderr: str


def run_pipeline(
    lakehouse: Path, fault: str | None = None, kill_after: float | None = None, json_out: bool = False
) -> Run:
    """One `npm run pipeline:local` run over the kept lakehouse, in a process group of its own; `fault` arms a fault
    point, `kill_after` (seconds) has the harness SIGKILL the group then."""
    marker = lakehouse.parent / f"{lakehouse.name}.marker"
    marker.unlink(missing_ok=True)
    env = {key: value for key, value in os.environ.items() if key not in ("LAKESTREAM_FAULT",)}
    env["LAKESTREAM_FAULT_MARKER"] = str(marker)
    if fault:
        env["LAKESTREAM_FAULT"] = fault
    command = ["bash", str(ROOT / "scripts" / "python.sh"), "-m", "medallion.local", "--keep", str(lakehouse)]
    command += ["--max-files-per-trigger", "1"] + (["--json"] if json_out else [])
    began = time.monotonic()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True
        )
        try:
            process.wait(timeout=kill_after if kill_after is not None else RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except BaseException:
            # The harness itself interrupted: the run's group is not ours to leave behind.
            os.killpg(process.pid, signal.SIGKILL)
            raise
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    entries = [json.loads(line) for line in marker.read_text().splitlines()] if marker.exists() else []
    return Run(process.returncode, time.monotonic() - began, entries, stderr)


def resume_to_end(lakehouse: Path, outcome: "Outcome") -> bool:
    """Runs the lakehouse again until a run completes; False (and the failure noted) when one fails."""
    for _ in range(RESUMES):
        run = run_pipeline(lakehouse)
        outcome.runs += 1
        if run.returncode == 0:
            return True
        outcome.failures.append(f"a resumed run exited {run.returncode}: {run.stderr.strip()[-600:]}")
        return False
    return False


# ---------------------------------------------------------------- comparing tables


def fingerprints(spark, table_path: str) -> Counter:
    """The multiset of the table's row fingerprints: SHA-256 of the row as JSON, without IGNORED_COLUMNS
    (`benchlib.comparable_columns`: doubles to 9 digits, maps as sorted entries, binary as base64)."""
    from pyspark.sql import functions as F  # noqa: PLC0415

    frame = spark.read.format("delta").load(table_path)
    columns = comparable_columns(frame, IGNORED_COLUMNS)
    hashed = frame.select(F.sha2(F.to_json(F.struct(*columns)), 256).alias("fingerprint"))
    return Counter(row["fingerprint"] for row in hashed.collect())


def compare_tables(spark, reference: Path, candidate: Path) -> dict[str, dict]:
    """Per table: the rows of each lakehouse and how many are missing from the candidate or extra in it (as a
    multiset: a row written twice is one extra)."""
    result = {}
    for name, folder in TABLES.items():
        expected = fingerprints(spark, str(reference / "warehouse" / folder))
        actual = fingerprints(spark, str(candidate / "warehouse" / folder))
        result[name] = {
            "rows": sum(actual.values()),
            "reference_rows": sum(expected.values()),
            "missing": sum((expected - actual).values()),
            "extra": sum((actual - expected).values()),
        }
    return result


def differences(compared: dict[str, dict]) -> list[str]:
    return [
        f"{name}: {counts['missing']} row(s) missing, {counts['extra']} extra "
        f"({counts['rows']} rows against the clean run's {counts['reference_rows']})"
        for name, counts in compared.items()
        if counts["missing"] or counts["extra"]
    ]


# ---------------------------------------------------------------- one combination


@dataclass
class Outcome:
    combination: str
    points: list[dict] = field(default_factory=list)
    random_kills: int = 0
    moments: list[float] = field(default_factory=list)
    runs: int = 0
    lakehouses: int = 0
    mismatches: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    clean_seconds: float = 0.0
    seconds: float = 0.0


def check(spark, reference: Path, lakehouse: Path, outcome: Outcome, what: str) -> None:
    compared = compare_tables(spark, reference, lakehouse)
    outcome.lakehouses += 1
    found = differences(compared)
    for line in found:
        outcome.mismatches.append(f"{outcome.combination}, {what}: {line}")
    counts = ", ".join(f"{name} {counts['rows']}" for name, counts in compared.items())
    log(f"  {what}: {'EQUAL' if not found else 'MISMATCH'} to the clean run ({counts})")


def fault_chain(spark, work: Path, reference: Path, layout: str, gold_mode: str, files, outcome: Outcome) -> None:
    lakehouse = work / "chain"
    make_lakehouse(lakehouse, layout, gold_mode, files)
    for point, stream in CHAINS[layout]:
        batch = next_batch(lakehouse, stream, layout)
        fault = f"{point}@{batch}"
        run = run_pipeline(lakehouse, fault=fault)
        outcome.runs += 1
        fired = [entry for entry in run.marker if entry.get("fired") and entry["point"] == point]
        hit = run.returncode == -signal.SIGKILL and bool(fired)
        seen = fired[0]["seen"] if fired else None
        outcome.points.append({"point": point, "batch": batch, "stream": stream, "hit": hit, "seen": seen})
        if hit:
            log(f"  {fault} ({stream}): killed by SIGKILL after {run.seconds:.1f} s ({seen})")
            continue
        note = "the batch passed it (missed)" if any(entry.get("missed") for entry in run.marker) else "not reached"
        failure = f"{outcome.combination}: fault point {fault} did not fire: exit {run.returncode}, {note}"
        outcome.failures.append(failure)
        log(f"  {fault} ({stream}): did NOT fire (exit {run.returncode}, {note})")
        if run.returncode != 0 and run.returncode != -signal.SIGKILL:
            log(run.stderr.strip()[-600:])
            return
    if resume_to_end(lakehouse, outcome):
        check(spark, reference, lakehouse, outcome, "fault chain")


def random_kills(spark, work: Path, reference: Path, layout: str, gold_mode: str, files, wanted: int, rng, outcome):
    index = 0
    while outcome.random_kills < wanted:
        index += 1
        lakehouse = work / f"random-{index}"
        make_lakehouse(lakehouse, layout, gold_mode, files)
        kills = []
        for _ in range(KILLS_PER_LAKEHOUSE):
            if outcome.random_kills >= wanted:
                break
            moment = rng.uniform(0, outcome.clean_seconds)
            run = run_pipeline(lakehouse, kill_after=moment)
            outcome.runs += 1
            if run.returncode == -signal.SIGKILL:
                kills.append(round(moment, 1))
                outcome.moments.append(round(moment, 1))
                outcome.random_kills += 1
                continue
            if run.returncode != 0:
                outcome.failures.append(f"{outcome.combination}: a run exited {run.returncode}: {run.stderr[-600:]}")
                return
            break  # it completed before the moment came
        log(f"  random lakehouse {index}: killed at {kills} s")
        if resume_to_end(lakehouse, outcome):
            check(spark, reference, lakehouse, outcome, f"random kills at {kills} s")


def run_combination(spark, work: Path, combination: str, files, wanted_random: int, rng) -> Outcome:
    layout, gold_mode = combination.split("-")
    outcome = Outcome(combination)
    began = time.monotonic()
    folder = work / combination
    reference = folder / "clean"
    make_lakehouse(reference, layout, gold_mode, files)
    clean = run_pipeline(reference)
    outcome.runs += 1
    outcome.clean_seconds = clean.seconds
    if clean.returncode != 0:
        outcome.failures.append(f"{combination}: the clean run exited {clean.returncode}: {clean.stderr[-600:]}")
        return outcome
    log(f"{combination}: clean run {clean.seconds:.1f} s")
    fault_chain(spark, folder, reference, layout, gold_mode, files, outcome)
    random_kills(spark, folder, reference, layout, gold_mode, files, wanted_random, rng, outcome)
    outcome.seconds = time.monotonic() - began
    return outcome


# ---------------------------------------------------------------- command line


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        allowed = "--ci, --random-kills N, --combos LIST, --seed N, --out FILE"
        self.exit(EXIT_BAD_FLAGS, f"error: {message}\nallowed flags: {allowed}\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="npm run bench:kill --", description="Kill the local pipeline and check its tables.")
    parser.add_argument("--ci", action="store_true", help="every fault point once, and a few random kills")
    parser.add_argument("--random-kills", type=int, metavar="N", help="random kills per combination")
    parser.add_argument("--combos", metavar="LIST", default=",".join(COMBOS), help="comma-separated combinations")
    parser.add_argument("--seed", type=int, default=1, metavar="N", help="seed of the random kill moments")
    parser.add_argument("--out", metavar="FILE", help="where to write the results (default: bench/results/kill.json)")
    args = parser.parse_args(argv)
    combos = [combo for combo in args.combos.split(",") if combo]
    unknown = [combo for combo in combos if combo not in COMBOS]
    if unknown or not combos:
        parser.error(f"--combos: {', '.join(unknown) or 'none given'}; expected some of {', '.join(COMBOS)}")
    if args.random_kills is not None and args.random_kills < 0:
        parser.error("--random-kills must be 0 or more")
    args.combos = combos
    return args


def results(args, outcomes: list[Outcome], seconds: float, load_before, complete: bool) -> dict:
    problems = [line for outcome in outcomes for line in outcome.failures + outcome.mismatches]
    return {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mode": "ci" if args.ci else "default",
        "complete": complete,
        "input": {"files": FILES, "events_per_file": EVENTS_PER_FILE, "malformed_every": MALFORMED_EVERY},
        "wall_seconds": round(seconds, 1),
        "load_average": {
            "start": [round(value, 2) for value in load_before],
            "end": [round(value, 2) for value in os.getloadavg()],
        },
        "cores": os.cpu_count(),
        "combinations": [
            {
                "combination": outcome.combination,
                "clean_run_seconds": round(outcome.clean_seconds, 1),
                "seconds": round(outcome.seconds, 1),
                "fault_points": outcome.points,
                "points_hit": sum(point["hit"] for point in outcome.points),
                "random_kills": outcome.random_kills,
                "random_kill_moments": outcome.moments,
                "pipeline_runs": outcome.runs,
                "lakehouses_compared": outcome.lakehouses,
                "mismatches": outcome.mismatches,
                "failures": outcome.failures,
            }
            for outcome in outcomes
        ],
        "kills": sum(outcome.random_kills + sum(p["hit"] for p in outcome.points) for outcome in outcomes),
        "mismatches": sum(len(outcome.mismatches) for outcome in outcomes),
        "equal": not problems,
    }


def _interrupted(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _interrupted)
    wanted = args.random_kills
    if wanted is None:
        wanted = RANDOM_KILLS_CI if args.ci else RANDOM_KILLS_DEFAULT
    from medallion.session import local_session  # noqa: PLC0415

    rng = random.Random(args.seed)
    files = input_files()
    work = Path(tempfile.mkdtemp(prefix="lakestream-kill-"))
    began = time.monotonic()
    load_before = os.getloadavg()
    out = Path(args.out) if args.out else (None if args.ci else RESULTS)
    spark = local_session(str(work / "compare-warehouse"), app_name="lakestream-kill-compare", cores=1)
    outcomes = []
    try:
        for index, combination in enumerate(args.combos):
            outcomes.append(run_combination(spark, work, combination, files, wanted, rng))
            if out is not None:
                # After every combination: a long run stopped early still leaves what it measured.
                result = results(args, outcomes, time.monotonic() - began, load_before, index == len(args.combos) - 1)
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(json.dumps(result, indent=2) + "\n")
    finally:
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.monotonic() - began
    problems = [line for outcome in outcomes for line in outcome.failures + outcome.mismatches]
    for outcome in outcomes:
        hit = sum(point["hit"] for point in outcome.points)
        print(
            f"{outcome.combination}: fault points hit {hit}/{len(outcome.points)}, "
            f"random kills {outcome.random_kills}, "
            f"lakehouses compared {outcome.lakehouses}, mismatches {len(outcome.mismatches)}, "
            f"{outcome.seconds:.0f} s"
        )
    for line in problems:
        print(f"FAIL {line}")
    verdict = "all tables equal to the clean runs" if not problems else "NOT EQUAL"
    print(f"{verdict}; {seconds:.0f} s, load average {os.getloadavg()[0]:.1f}")
    return 0 if not problems else EXIT_MISMATCH


if __name__ == "__main__":
    sys.exit(main())
