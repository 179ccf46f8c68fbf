"""The local pipeline: bronze -> silver -> gold on local Spark + Delta, reading a file of connector rows or Event Hubs.

Usage: python -m medallion.local [--input FILE] [--json] [--gold-mode update|append] [--streams single|layered]
                                 [--keep DIR] [--max-files-per-trigger N]
       python -m medallion.local --source eventhubs [--stack NAME] [--starting-position start|latest]
                                 [--max-events-per-trigger N] [--timeout SECONDS] [--truststore FILE] [...]

Exit codes: 0 done, 1 the pipeline failed, 2 bad flags or input (or a --keep run refused), 5 --keep names a folder
that is not a lakehouse of ours (3: Event Hubs did not answer in time).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

from medallion.bronze import STARTING_POSITIONS
from medallion.faults import watch_commits
from medallion.gold import OUTPUT_MODES
from medallion.kept import (
    EXIT_NOT_A_LAKEHOUSE,
    KeepRefused,
    KeptLakehouse,
    NotALakehouse,
    check_new_content,
    content_hash,
    next_source_file,
    open_kept,
    record,
    settle,
)
from medallion.lines import InputError, check_lines, require_file
from medallion.local_eventhubs import main_eventhubs
from medallion.local_lakehouse import (
    LOCAL_CATALOG,
    SCHEMAS,
    STREAMS,
    print_summary,
    quarantine_reasons,
    register_kept_tables,
    run_pipeline,
    summary,
)
from medallion.sample import generate_events, write_lines
from medallion.session import local_session

SAMPLE_EVENTS = 2000
# How the JVM starts for a run of this many events (medallion.session), from runs of the same file both ways:
# up to 50,000 events, expressions are evaluated without compiling them (one event 25.5 s against 32.6 s, 50,000
# events 41.5 s against 49.6 s); up to 300,000 the JIT stops at its quick compiler (100,000 events 24.8 s against
# 33.2 s, 300,000 41.6 s against 43.7 s, medians); past that both compilers run (1,000,000 events 80 s against 109 s
# with the quick one only). docs/local-pipeline.md has the measurements.
SHORT_RUN_EVENTS = 50_000
QUICK_JIT_EVENTS = 300_000
# Up to this many events a batch's caches are not compressed, which saves the CPU of compressing them: 300,000 events
# 41.0 s and 40.4 s against 43.9 s and 45.7 s compressed, 500,000 events 45.7 s and 50.1 s against 51.6 s and 51.5 s
# (interleaved runs of the same file). 300,000 events peaked at 367 MB of cached blocks, so 500,000 take about 610 MB
# of the roughly 1 GB that Spark has of the 2 GB driver; a larger run compresses them rather than spill to disk.
UNCOMPRESSED_CACHE_EVENTS = 500_000
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
SOURCES = ("file", "eventhubs")
# LAKESTREAM_PROFILE=1 prints how long each phase of a file run took to stderr (docs/local-pipeline.md).
PROFILE_ENV = "LAKESTREAM_PROFILE"


def _since_process_start() -> float:
    """Seconds since this process started (the interpreter's own start and the imports included), from /proc."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


@contextmanager
def phase(name: str):
    """Times one phase of the run and, with LAKESTREAM_PROFILE=1, prints it to stderr as `phase NAME SECONDS`."""
    began = time.monotonic()
    try:
        yield
    finally:
        if os.environ.get(PROFILE_ENV) == "1":
            print(f"phase {name} {time.monotonic() - began:.2f}", file=sys.stderr, flush=True)


class _Parser(argparse.ArgumentParser):
    """argparse that names the allowed flags when it rejects one (it already exits 2)."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        allowed = (
            "--input FILE, --json, --gold-mode update|append, --streams single|layered, --keep DIR, "
            "--max-files-per-trigger N, --source file|eventhubs; with --source "
            "eventhubs: --stack NAME, --starting-position start|latest, --max-events-per-trigger N, --timeout SECONDS, "
            "--truststore FILE"
        )
        self.exit(EXIT_BAD_INPUT, f"error: {message}\nallowed flags: {allowed}\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="npm run pipeline:local --", description="Run bronze -> silver -> gold on local Spark.")
    parser.add_argument("--input", metavar="FILE", help="connector rows, one JSON object per line (default: a sample)")
    parser.add_argument("--json", action="store_true", help="print only the result as JSON")
    # No defaults here: a kept lakehouse continues with the layout and gold mode it was made with (medallion.kept).
    parser.add_argument("--gold-mode", choices=OUTPUT_MODES, help="gold output mode (default update)")
    parser.add_argument("--streams", choices=STREAMS, help="one stream through all tables (default), or one per layer")
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the lakehouse (tables, checkpoints) in DIR, or continue the one kept there"
    )
    parser.add_argument(
        "--max-files-per-trigger", metavar="N", help="most source files per micro-batch (default: all new ones)"
    )
    parser.add_argument("--source", choices=SOURCES, default="file", help="read a file (default) or Event Hubs")
    # Event Hubs only; checked in medallion.local_eventhubs. The connection string is never a flag.
    parser.add_argument("--stack", metavar="NAME", help="read the Listen connection string from this stack's outputs")
    parser.add_argument("--starting-position", choices=STARTING_POSITIONS, help="where a new checkpoint starts")
    parser.add_argument("--max-events-per-trigger", metavar="N", help="most events per bronze micro-batch")
    parser.add_argument("--timeout", metavar="SECONDS", help="longest wait for the hub to answer (exit 3)")
    parser.add_argument("--truststore", metavar="FILE", help="a Java trust store to add to the JVM's trust settings")
    return parser.parse_args(argv)


def _input_file(name: str) -> Path:
    """The --input path, refused unless it is a file (checked before anything starts)."""
    try:
        return require_file(Path(name))
    except InputError as error:
        raise InputError(f"--input {error}") from None


def _count_lines(path: Path) -> int:
    """How many lines `path` has, read as bytes (a tenth of a second for 100 MB): at least its number of events."""
    lines, last = 0, b"\n"
    try:
        with path.open("rb") as data:
            while chunk := data.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError as error:
        raise InputError(f"--input {path}: cannot be read ({error.strerror or error})") from None
    return lines + (last != b"\n")


def _check_input(path: Path) -> int:
    try:
        events = check_lines(path)
    except InputError as error:
        raise InputError(f"--input {error}") from None
    if events == 0:
        raise InputError(f"--input {path}: holds no events (the file is empty or has only blank lines)")
    return events


def _session_settings(events: int) -> dict:
    """How the session of a run of up to `events` events starts (SHORT_RUN_EVENTS, QUICK_JIT_EVENTS,
    UNCOMPRESSED_CACHE_EVENTS)."""
    return {
        "quick_jit": events <= QUICK_JIT_EVENTS,
        "interpreted": events <= SHORT_RUN_EVENTS,
        "compressed_cache": events > UNCOMPRESSED_CACHE_EVENTS,
    }


def _boot_session(warehouse: str, settings: dict) -> Future:
    """Starts `local_session` on a daemon thread and returns its future: PySpark waits there for the JVM's process
    to come up while this thread goes on."""
    booted: Future = Future()

    def boot() -> None:
        try:
            with phase("jvm-boot"):
                booted.set_result(local_session(warehouse, **settings))
        except BaseException as error:  # noqa: BLE001 - handed to the thread that waits for the session
            booted.set_exception(error)

    threading.Thread(target=boot, name="jvm-start", daemon=True).start()
    return booted


def _stop_booted(booting: Future | None) -> None:
    """Stops a session booted for a run that was then refused (a boot that failed has nothing to stop)."""
    if booting is not None and booting.exception() is None:
        booting.result().stop()


def _files_per_trigger(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"--max-files-per-trigger {text}: must be a positive integer")
    return int(text)


def _failure(error: Exception) -> str:
    """The first lines of a Spark failure, without the Java stack trace."""
    lines = [line for line in str(error).splitlines() if line.strip() and not line.lstrip().startswith("at ")]
    return "\n  ".join(lines[:6]) or type(error).__name__


def _add_input(args: argparse.Namespace, kept: KeptLakehouse | None, input_path: Path | None, lakehouse: Path) -> None:
    """Checks the input file's lines (and, for a kept lakehouse, that its content is new), then puts it, or the
    sample, in the lakehouse's source. Raises InputError or KeepRefused before anything is created."""
    resumed = kept is not None and not kept.is_new
    with phase("line-check"):
        input_events = _check_input(input_path) if input_path else 0
    with phase("content-hash"):
        digest = content_hash(input_path) if input_path else None
    if kept is not None and digest is not None:
        check_new_content(kept, digest, args.input)
    if kept is not None and kept.is_new:
        try:
            kept.path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(f"--keep {args.keep}: cannot create it ({error.strerror or error})") from None
    (lakehouse / "source").mkdir(exist_ok=True)
    if input_path or not resumed:
        # A new lakehouse starts with the file or the sample; a kept one gets the file added to its source.
        added = next_source_file(kept) if kept is not None else "source/events.json"
        if input_path:
            shutil.copyfile(input_path, lakehouse / added)
        else:
            write_lines(generate_events(SAMPLE_EVENTS), lakehouse / added)
            digest = content_hash(lakehouse / added)
        if kept is not None:
            events = input_events if input_path else SAMPLE_EVENTS
            record(kept, {"file": added, "sha256": digest, "events": events})


def main(argv: list[str] | None = None) -> int:
    if os.environ.get(PROFILE_ENV) == "1":
        print(f"phase python-start {_since_process_start():.2f}", file=sys.stderr, flush=True)
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.source == "eventhubs":
        if args.max_files_per_trigger is not None:
            print("error: --max-files-per-trigger only applies to the file source", file=sys.stderr)
            return EXIT_BAD_INPUT
        return main_eventhubs(args)
    eventhubs_only = ("stack", "starting_position", "max_events_per_trigger", "timeout", "truststore")
    given = [f"--{name.replace('_', '-')}" for name in eventhubs_only if getattr(args, name) is not None]
    if given:
        print(f"error: {', '.join(given)} only apply with --source eventhubs", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        # Every check runs before anything is created: bad input leaves the file system as it was.
        files_per_trigger = _files_per_trigger(args.max_files_per_trigger)
        kept = open_kept(args.keep) if args.keep else None
        settings = settle(kept, "file", args.streams, args.gold_mode)
        input_path = _input_file(args.input) if args.input else None
        resumed = kept is not None and not kept.is_new
        # The run's size (its lines, at least its events) chooses how the JVM starts: a run of a minute or less (the
        # sample, a file of up to QUICK_JIT_EVENTS) for start-up speed rather than peak speed.
        size = _count_lines(input_path) if input_path else (0 if resumed else SAMPLE_EVENTS)
    except (InputError, KeepRefused) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except NotALakehouse as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_NOT_A_LAKEHOUSE
    session_settings = _session_settings(size)
    lakehouse = kept.path if kept is not None else Path(tempfile.mkdtemp(prefix="lakestream-"))
    gold_mode = settings["gold_mode"]
    try:
        warehouse = str(lakehouse / "warehouse")
        # A large file takes seconds to check: the JVM boots meanwhile, in its own process. It creates nothing in
        # the lakehouse before the first table, so a failed check still leaves the folder as it was. A small file is
        # checked first, so bad input is refused at once, without a JVM.
        booting = None if size <= SHORT_RUN_EVENTS else _boot_session(warehouse, session_settings)
        try:
            _add_input(args, kept, input_path, lakehouse)
        except (InputError, KeepRefused) as error:
            print(f"error: {error}", file=sys.stderr)
            _stop_booted(booting)
            return EXIT_BAD_INPUT
        except BaseException:  # Ctrl-C or a failed copy: a booting JVM is stopped, not left half started
            _stop_booted(booting)
            raise
        with phase("jvm-start"):
            spark = booting.result() if booting is not None else local_session(warehouse, **session_settings)
        try:
            if resumed:
                register_kept_tables(spark, lakehouse / "warehouse", LOCAL_CATALOG, SCHEMAS)
            checkpoints = str(lakehouse / "checkpoints")
            # Test-only: a no-op unless LAKESTREAM_FAULT names a commit point (medallion.faults, the kill harness).
            watch_commits(lakehouse / "warehouse", lakehouse / "checkpoints", settings["streams"])
            run_pipeline(
                spark,
                str(lakehouse / "source"),
                checkpoints,
                gold_mode,
                streams=settings["streams"],
                phase=phase,
                max_files_per_trigger=files_per_trigger,
            )
            with phase("summary"):
                result = summary(spark)
                reasons = [] if args.json else quarantine_reasons(spark)
        except Exception as error:  # noqa: BLE001 - a failed batch ends the run with its cause, not a Java stack trace
            kept_note = f"; the lakehouse is kept in {lakehouse}" if args.keep else ""
            print(f"error: the pipeline failed{kept_note}:\n  {_failure(error)}", file=sys.stderr)
            return EXIT_FAILURE
        finally:
            with phase("jvm-stop"):
                spark.stop()
    finally:
        if not args.keep:
            shutil.rmtree(lakehouse, ignore_errors=True)
    if os.environ.get(PROFILE_ENV) == "1":
        print(f"phase total-in-python {_since_process_start():.2f}", file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps(result))
    else:
        print_summary(result, gold_mode, reasons)
        if args.keep:
            print(f"lakehouse {'continued' if resumed else 'kept'} in {lakehouse}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
