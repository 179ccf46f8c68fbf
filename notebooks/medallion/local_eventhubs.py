"""The local pipeline's Event Hubs source: the real connector reads a hub (a dev hub, or the loopback test endpoint).

The Listen connection string comes from a stack's `listenConnectionString` output (`--stack NAME`) or from the
environment variable EVENTHUBS_CONNECTION_STRING, never from a flag (flags end up in shell history and process lists),
and is never printed: messages name where it came from, and every message is stripped of key material.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from medallion.bronze import read_eventhubs
from medallion.kept import EXIT_NOT_A_LAKEHOUSE, KeepRefused, NotALakehouse, open_kept, record, settle
from medallion.local_lakehouse import (
    LOCAL_CATALOG,
    SCHEMAS,
    print_summary,
    quarantine_reasons,
    register_kept_tables,
    run_layers,
    summary,
)
from medallion.redact import redact
from medallion.session import local_session
from medallion.streams import StreamStalled

CONNECTION_STRING_ENV = "EVENTHUBS_CONNECTION_STRING"
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_TIMEOUT = 0, 1, 2, 3
# The Java client always dials AMQPS on this port of the Endpoint host (azure-eventhubs ClientConstants.AMQPS_PORT).
AMQPS_PORT = 5671
DEFAULT_STARTING_POSITION = "start"
DEFAULT_MAX_EVENTS_PER_TRIGGER = 2000  # the bronze notebook's default
DEFAULT_TIMEOUT_SECONDS = 120.0
MAX_TIMEOUT_SECONDS = 86400.0


class UsageError(Exception):
    """Bad flags, environment or connection string: exit 2, with a message that never holds the key."""


def parse_connection_string(connection_string: str, source: str) -> dict[str, str]:
    """Checks that the string is a hub-level SAS connection string the Java client takes; returns its parts (host,
    hub, key name, key). Messages name `source`, never the string."""
    fields = {}
    for part in connection_string.strip().split(";"):
        if not part.strip():
            continue
        name, equals, value = part.partition("=")
        if not equals or not name.strip():
            raise UsageError(f"{source} is not a connection string: every part must be Name=value")
        fields[name.strip().lower()] = value.strip()
    match = re.fullmatch(r"sb://([^/:;]+)/?", fields.get("endpoint", ""))
    if not match:
        raise UsageError(
            f"{source} needs Endpoint=sb://<namespace>.servicebus.windows.net/ (the Java client always uses port "
            f"{AMQPS_PORT}, so the endpoint has no port)"
        )
    if not fields.get("sharedaccesskeyname") or not fields.get("sharedaccesskey"):
        raise UsageError(f"{source} needs SharedAccessKeyName and SharedAccessKey (the hub's Listen rule)")
    if not fields.get("entitypath"):
        raise UsageError(
            f"{source} needs EntityPath=<hub>: use the hub-level Listen rule (stack output " "listenConnectionString)"
        )
    if "usedevelopmentemulator" in fields:
        raise UsageError(f"{source} has UseDevelopmentEmulator, which the Java client does not support")
    return {
        "host": match.group(1),
        "hub": fields["entitypath"],
        "key_name": fields["sharedaccesskeyname"],
        "key": fields["sharedaccesskey"],
    }


def listen_connection_string(stack: str | None, env=os.environ, run=subprocess.run) -> tuple[str, str]:
    """The Listen connection string and where it came from: the stack's output, else the environment variable."""
    if stack is not None:
        if not stack.strip():
            raise UsageError("--stack needs a stack name")
        command = ["pulumi", "stack", "output", "--json", "--show-secrets", "--stack", stack]
        try:
            result = run(command, capture_output=True, text=True, timeout=120)
        except FileNotFoundError:
            raise UsageError(
                f'--stack {stack} needs the Pulumi CLI to read the stack outputs, and "pulumi" is not on PATH; '
                f"install it, or set {CONNECTION_STRING_ENV} instead"
            ) from None
        if result.returncode != 0:
            detail = (result.stderr or "").strip().splitlines()
            raise UsageError(f'could not read the outputs of stack "{stack}": {detail[0] if detail else "no output"}')
        try:
            outputs = json.loads(result.stdout)
        except json.JSONDecodeError:
            raise UsageError(f'"pulumi stack output --json" for stack "{stack}" did not print JSON') from None
        value = outputs.get("listenConnectionString") if isinstance(outputs, dict) else None
        if not isinstance(value, str) or not value:
            raise UsageError(f'stack "{stack}" has no output "listenConnectionString"; run "pulumi up" for it first')
        return value, f'stack output listenConnectionString of stack "{stack}"'
    value = env.get(CONNECTION_STRING_ENV, "")
    if not value:
        raise UsageError(
            f"no connection: give --stack NAME (reads the listenConnectionString output) or set {CONNECTION_STRING_ENV}"
            " (the connection string is never a flag)"
        )
    return value, f"environment variable {CONNECTION_STRING_ENV}"


def _in_range(flag: str, raw: str | None, default: float, minimum: float, maximum: float, integer: bool) -> float:
    if raw is None:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        value = minimum - 1
    if not minimum <= value <= maximum:
        kind = "an integer" if integer else "a number of seconds"
        raise UsageError(f"{flag} must be {kind} between {minimum:g} and {maximum:g} (got {raw!r})")
    return value


def check_reachable(host: str, timeout: float) -> None:
    """Fails fast, naming host and port, when nothing answers a TCP connection there; the drain's stall timeout covers
    an endpoint that accepts the connection but then does not answer."""
    try:
        with socket.create_connection((host, AMQPS_PORT), timeout=timeout):
            pass
    except TimeoutError:
        raise TimeoutError(f"{host}:{AMQPS_PORT} did not accept a connection within {timeout:g} s") from None
    except OSError as error:
        raise ConnectionError(f"cannot connect to {host}:{AMQPS_PORT}: {error.strerror or error}") from None


def describe_failure(error: BaseException, host: str, secrets: tuple[str, ...]) -> str:
    """One clear line for a failed read, from the Java client's error as Spark reports it."""
    text = redact(str(error), secrets)
    if re.search(r"status-code: 401|AuthorizationFailed|InvalidSignature|Unauthorized", text):
        reason = re.search(r"status-description: ([^,\n]*)", text)
        detail = reason.group(1).strip() if reason else "unauthorized"
        return f"Event Hubs at {host} refused the Listen connection string: {detail} (check the key and its rule)"
    if re.search(r"PKIX path|SSLHandshake|certificate|subject alternative name", text, re.IGNORECASE):
        return (
            f"the TLS certificate of {host} is not trusted by the JVM or does not name that host; add its CA with "
            "--truststore FILE or JAVA_TOOL_OPTIONS (certificate checks are never turned off)"
        )
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return f"reading Event Hubs at {host} failed: {lines[0] if lines else type(error).__name__}"


def main_eventhubs(args) -> int:
    """`--source eventhubs`: drains the hub through the connector into bronze, runs silver and gold, prints the
    summary. Exit codes: 0 ok, 1 the hub refused or the read failed, 2 bad input, 3 the hub did not answer in time."""
    try:
        if args.input is not None:
            raise UsageError("--input reads a file: it does not apply with --source eventhubs")
        position = args.starting_position or DEFAULT_STARTING_POSITION
        max_events = int(
            _in_range(
                "--max-events-per-trigger", args.max_events_per_trigger, DEFAULT_MAX_EVENTS_PER_TRIGGER, 1, 10**7, True
            )
        )
        # 1..86400 s, default 120, as every network tool's --timeout (docs/interfaces.md); here the time allowed
        # without progress: a drain of a full hub may rightly take longer than any fixed deadline.
        timeout = _in_range("--timeout", args.timeout, DEFAULT_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS, False)
        java_options: tuple[str, ...] = ()
        if args.truststore is not None:
            truststore = Path(args.truststore).resolve()
            if not truststore.is_file():
                raise UsageError(f"--truststore {args.truststore}: no such file")
            java_options = (f"-Djavax.net.ssl.trustStore={truststore}",)
        kept = open_kept(args.keep) if args.keep else None
        settings = settle(kept, "eventhubs", args.streams, args.gold_mode)
        connection_string, source = listen_connection_string(args.stack)
        target = parse_connection_string(connection_string, source)
        if kept is not None and kept.is_new:
            try:
                kept.path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise UsageError(f"--keep {args.keep}: cannot create it ({error.strerror or error})") from None
            record(kept)
    except (UsageError, KeepRefused) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except NotALakehouse as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_NOT_A_LAKEHOUSE
    gold_mode, streams = settings["gold_mode"], settings["streams"]
    secrets = (connection_string, target["key"])
    host = target["host"]

    lakehouse = kept.path if kept is not None else Path(tempfile.mkdtemp(prefix="lakestream-"))
    try:
        check_reachable(host, min(timeout, 30.0))
        # A local drain reads a dev hub's sample events (`npm run produce` sends 100 by default): a short run, so
        # the session starts as `medallion.local` starts a file run of up to 50,000 events, with the quick JIT
        # compiler only and expressions interpreted. Measured on the loopback drain spec (tests/pipeline), one run
        # each on a quiet machine: 280 CPU-seconds against 394. A drain of hundreds of thousands of events runs slower.
        spark = local_session(str(lakehouse / "warehouse"), java_options=java_options, quick_jit=True, interpreted=True)
        # A stream blocked on a silent endpoint must not keep the run from ending once the timeout has passed.
        spark.conf.set("spark.sql.streaming.stopTimeout", "20s")
        try:
            register_kept_tables(spark, lakehouse / "warehouse", LOCAL_CATALOG, SCHEMAS)
            events = read_eventhubs(spark, connection_string, position, max_events)
            checkpoints = str(lakehouse / "checkpoints")
            report = run_layers(spark, events, checkpoints, gold_mode, stall_timeout=timeout, streams=streams)
            result = summary(spark)
            reasons = [] if args.json else quarantine_reasons(spark)
        finally:
            spark.stop()
    except (StreamStalled, TimeoutError) as error:
        print(
            f"error: timed out after {timeout:g} s (--timeout): Event Hubs at {host}:{AMQPS_PORT} did not answer "
            f"({error}); done so far: the bronze micro-batches committed before it, kept in the checkpoints",
            file=sys.stderr,
        )
        return EXIT_TIMEOUT
    except ConnectionError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # the connector's errors reach Python as StreamingQueryException or Py4JJavaError
        print(f"error: {describe_failure(error, host, secrets)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if not args.keep:
            shutil.rmtree(lakehouse, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"drained {report.rows} events from {target['hub']} in {report.batches} micro-batches "
            f"(at most {max_events} each)"
        )
        print_summary(result, gold_mode, reasons)
        if args.keep:
            print(f"lakehouse kept in {lakehouse}")
    return EXIT_OK
