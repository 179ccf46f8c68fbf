"""The local pipeline's command line: bad input exits 2 naming the file, line or flag; a good run prints only JSON."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from medallion.local import QUICK_JIT_EVENTS, SHORT_RUN_EVENTS, UNCOMPRESSED_CACHE_EVENTS, _session_settings

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"body": '{"temperature": 20, "humidity": 50, "location": "Oslo"}', "enqueuedTime": "2026-01-01T10:00:00Z"}


def run(*args, env_vars=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "notebooks"), **(env_vars or {})}
    command = [sys.executable, "-m", "medallion.local", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def write(path, *lines):
    path.write_text("".join(line if isinstance(line, str) else json.dumps(line) for line in lines))
    return str(path)


def test_a_runs_size_sets_how_its_session_starts():
    """Each setting switches at its own size: short runs start fast, large ones keep peak speed and memory."""
    assert _session_settings(1) == {"quick_jit": True, "interpreted": True, "compressed_cache": False}
    assert _session_settings(SHORT_RUN_EVENTS + 1) == {
        "quick_jit": True,
        "interpreted": False,
        "compressed_cache": False,
    }
    assert _session_settings(QUICK_JIT_EVENTS + 1) == {
        "quick_jit": False,
        "interpreted": False,
        "compressed_cache": False,
    }
    large = {"quick_jit": False, "interpreted": False, "compressed_cache": True}
    assert _session_settings(UNCOMPRESSED_CACHE_EVENTS + 1) == large


def test_missing_file(tmp_path):
    result = run("--input", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.json'}: no such file" in result.stderr


@pytest.mark.parametrize(
    ("second_line", "message"),
    [
        ("this is not json\n", "not a JSON object"),
        ("[1, 2]\n", "not a JSON object (got a JSON array)"),
        ({"body": "{}", "partition": "0"}, '"enqueuedTime" is missing'),
        ({"body": "{}", "enqueuedTime": "soon"}, '"enqueuedTime" is not an ISO 8601 time'),
        ({"body": {"temperature": 20}, "enqueuedTime": "2026-01-01T10:00:00Z"}, '"body" must be a string'),
        ({"body": "{}", "enqueuedTime": "2026-01-01T10:00:00Z", "sequenceNumber": "7"}, '"sequenceNumber" must be'),
        # Each of these passed the earlier check and ended in a Java stack trace without a line number.
        ({**GOOD, "sequenceNumber": 2**64}, '"sequenceNumber" must be a 64-bit integer'),
        ({**GOOD, "systemProperties": [1, 2]}, '"systemProperties" must be an object of strings (got array)'),
        ('{"body": "{}", "x": ' + "[" * 50000 + "]" * 50000 + "}\n", "nested too deeply"),
        ('{"body": "{}", "enqueuedTime": "2026-01-01T10:00:00Z", "sequenceNumber": ' + "9" * 5000 + "}\n", "too long"),
        ({**GOOD, "enqueuedTime": "0001-01-01T00:00:00"}, '"enqueuedTime" 0001-01-01T00:00:00 is outside'),
        ({**GOOD, "enqueuedTime": "2026-01-01T10:00Z"}, '"enqueuedTime" is not an ISO 8601 time'),
    ],
)
def test_bad_line_names_file_and_line(tmp_path, second_line, message):
    path = write(tmp_path / "events.json", GOOD, "\n", second_line, "\n" if not isinstance(second_line, str) else "")
    result = run("--input", path)
    assert result.returncode == 2
    assert f"{path}:2: " in result.stderr and message in result.stderr
    assert result.stdout == ""


def test_a_large_file_failing_its_check_leaves_a_new_keep_folder_uncreated(tmp_path):
    """Past SHORT_RUN_EVENTS lines the JVM boots while the lines are checked; a bad last line is still refused with
    exit 2, and the --keep folder the JVM was given is not created."""
    keep = tmp_path / "lakehouse"
    lines = [json.dumps(GOOD)] * SHORT_RUN_EVENTS + [json.dumps({**GOOD, "sequenceNumber": "7"})]
    path = tmp_path / "events.json"
    path.write_text("\n".join(lines) + "\n")
    result = run("--input", str(path), "--keep", str(keep), env_vars={"LAKESTREAM_PROFILE": "1"})
    assert result.returncode == 2
    assert f"{path}:{SHORT_RUN_EVENTS + 1}: " in result.stderr and '"sequenceNumber" must be' in result.stderr
    assert "phase jvm-boot " in result.stderr  # the JVM did boot beside the check
    assert not keep.exists()
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gold-mode", "complete"], "--gold-mode: invalid choice: 'complete' (choose from 'update', 'append')"),
        (["--outputs", "x"], "unrecognized arguments: --outputs x"),
        (["--input"], "--input: expected one argument"),
        (["--streams", "two"], "--streams: invalid choice: 'two' (choose from 'single', 'layered')"),
    ],
)
def test_bad_flags_exit_2_and_say_what_is_allowed(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "allowed flags: --input FILE, --json, --gold-mode update|append, --streams single|layered, --keep DIR" in (
        result.stderr
    )


def test_json_output_is_only_the_result(tmp_path):
    bad_body = {**GOOD, "body": '{"temperature": "hot"}', "enqueuedTime": "2026-01-01T10:01:00Z"}
    second = {**GOOD, "body": '{"temperature": 30, "humidity": 70, "location": "Oslo", "conditions": "Sun"}'}
    path = write(tmp_path / "events.json", GOOD, "\n", bad_body, "\n", second, "\n")
    result = run("--input", path, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "bronze": 3,
        "silver": 2,
        "quarantine": 1,
        "gold": [
            {
                "location": "Oslo",
                "start": "2026-01-01T10:00:00Z",
                "end": "2026-01-01T10:05:00Z",
                "temperature": 25.0,
                "humidity": 60.0,
                "wind_speed": None,
                "precipitation": None,
                "conditions": "Sun",
                "wind_direction": None,
                "events": 2,
            }
        ],
    }


def test_text_output_says_why_each_event_was_quarantined(tmp_path):
    not_json = {**GOOD, "body": "not json", "enqueuedTime": "2026-01-01T10:01:00Z"}
    too_hot = {**GOOD, "body": '{"temperature": 99, "humidity": 50, "location": "Oslo"}'}
    also_too_hot = {**GOOD, "body": '{"temperature": 75, "humidity": 50, "location": "Bergen"}'}
    path = write(tmp_path / "events.json", GOOD, "\n", not_json, "\n", too_hot, "\n", also_too_hot, "\n")
    result = run("--input", path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "bronze 4  silver 1  quarantine 3"
    # Most frequent reason first, each with its count.
    assert lines[1].split() == ["quarantined", "2", "temperature", "out", "of", "range", "[-90,", "60]"]
    assert lines[2].split() == ["quarantined", "1", "body", "is", "not", "valid", "JSON"]


@pytest.mark.parametrize("content", ["", "\n  \n\t\n"])
def test_empty_input_says_so(tmp_path, content):
    path = tmp_path / "events.json"
    path.write_text(content)
    result = run("--input", str(path))
    assert result.returncode == 2
    assert result.stderr == f"error: --input {path}: holds no events (the file is empty or has only blank lines)\n"


def test_input_that_is_a_directory(tmp_path):
    result = run("--input", str(tmp_path))
    assert result.returncode == 2
    assert f"error: --input {tmp_path}: is a directory" in result.stderr


def test_keep_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "lakehouse"
    target.write_text("not a folder")
    result = run("--input", write(tmp_path / "events.json", GOOD), "--keep", str(target))
    assert result.returncode == 2
    assert (
        result.stderr
        == f"error: --keep {target}: is a file; give a new or empty directory, or a lakehouse kept earlier\n"
    )
    assert target.read_text() == "not a folder"


def test_keep_inside_a_file_is_refused(tmp_path):
    target = tmp_path / "file" / "lakehouse"
    (tmp_path / "file").write_text("")
    result = run("--input", write(tmp_path / "events.json", GOOD), "--keep", str(target))
    assert result.returncode == 2
    assert f"error: --keep {target}: cannot create it" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("existing", [False, True])
def test_failed_check_leaves_the_keep_folder_as_found(tmp_path, existing):
    keep = tmp_path / "lakehouse"
    if existing:
        keep.mkdir()
    bad = write(tmp_path / "events.json", GOOD, "\n", {**GOOD, "sequenceNumber": -(2**63) - 1}, "\n")
    result = run("--input", bad, "--keep", str(keep))
    assert result.returncode == 2 and f"{bad}:2: " in result.stderr
    assert keep.exists() == existing
    assert not existing or list(keep.iterdir()) == []


def test_hostile_values_neither_stop_the_run_nor_double_count(tmp_path):
    """One run: a repeated event_id, a body time before 1900, a location of whitespace, one spelled two ways, and an
    enqueuedTime in the last window of year 9999, whose end the summary must still print."""
    oslo = '{"event_id": "a", "temperature": 10, "humidity": 50, "location": "Oslo"}'
    lines = [
        {"body": oslo, "enqueuedTime": "2026-01-01T10:00:00Z", "partition": "0", "sequenceNumber": 1},
        {"body": oslo, "enqueuedTime": "2026-01-01T10:01:00Z", "partition": "0", "sequenceNumber": 2},
        {
            "body": json.dumps({"event_id": "b", "temperature": 20, "humidity": 50, "location": "Oslo\u00a0\t"}),
            "enqueuedTime": "2026-01-01T10:02:00Z",
        },
        {
            "body": '{"event_id": "c", "temperature": 5, "humidity": 50, "location": "Oslo",'
            ' "timestamp": "0001-01-01T00:00:00"}',
            "enqueuedTime": "2026-01-01T10:03:00Z",
        },
        {
            "body": json.dumps({"temperature": 5, "humidity": 50, "location": "\u00a0\n"}),
            "enqueuedTime": "2026-01-01T10:03:00Z",
        },
        {"body": oslo.replace('"a"', '"d"'), "enqueuedTime": "9999-12-31T23:58:00Z"},
    ]
    path = write(tmp_path / "events.json", *[json.dumps(item) + "\n" for item in lines])
    result = run("--input", path, "--json")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert (output["bronze"], output["silver"], output["quarantine"]) == (6, 3, 3)
    windows = [(row["location"], row["start"], row["end"], row["temperature"], row["events"]) for row in output["gold"]]
    assert windows == [
        ("Oslo", "2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z", 15.0, 2),
        ("Oslo", "9999-12-31T23:55:00Z", "+10000-01-01T00:00:00Z", 10.0, 1),
    ]


def test_a_failing_batch_exits_1_with_its_cause_and_no_stack_trace(tmp_path, monkeypatch, capsys):
    """Not bad input: a batch that fails for another reason (storage, a bug) ends the run loudly, with exit 1."""
    import medallion.local as local

    class Session:
        stopped = False

        def stop(self):
            Session.stopped = True

    def fail(*_args, **_kwargs):
        raise RuntimeError(
            "[STREAM_FAILED] Query [name = silver_weather] terminated with exception: disk full\n"
            "\tat org.apache.spark.sql.execution.streaming.StreamExecution.run(StreamExecution.scala:333)\n"
        )

    monkeypatch.setattr(local, "local_session", lambda _warehouse, **_options: Session())
    monkeypatch.setattr(local, "run_pipeline", fail)
    keep = tmp_path / "lakehouse"
    assert local.main(["--input", write(tmp_path / "events.json", GOOD), "--keep", str(keep)]) == 1
    error = capsys.readouterr().err
    assert error == (
        f"error: the pipeline failed; the lakehouse is kept in {keep}:\n"
        "  [STREAM_FAILED] Query [name = silver_weather] terminated with exception: disk full\n"
    )
    assert Session.stopped and (keep / "source" / "events.json").is_file()


def test_both_layouts_print_the_same_result(tmp_path):
    malformed = {**GOOD, "body": '{"temperature": "hot", "humidity": 50, "location": "Oslo"}'}
    later = {**GOOD, "enqueuedTime": "2026-01-01T10:07:00Z"}
    path = write(tmp_path / "events.json", GOOD, "\n", malformed, "\n", later, "\n")
    single = run("--input", path, "--json")
    layered = run("--input", path, "--json", "--streams", "layered")
    assert single.returncode == 0 and layered.returncode == 0, single.stderr + layered.stderr
    result = json.loads(single.stdout)
    assert (result["bronze"], result["silver"], result["quarantine"], len(result["gold"])) == (3, 2, 1, 2)
    assert json.loads(layered.stdout) == result


def event(minute, event_id, temperature):
    body = {"event_id": event_id, "temperature": temperature, "humidity": 50, "location": "Oslo"}
    return {"body": json.dumps(body), "enqueuedTime": f"2026-01-01T10:{minute:02d}:00Z", "sequenceNumber": minute}


def test_keep_continues_a_kept_lakehouse_and_adds_each_new_file_to_its_source(tmp_path):
    keep = tmp_path / "lakehouse"
    first = write(tmp_path / "first.json", event(0, "a", 10), "\n", event(1, "b", 20), "\n")
    second = write(tmp_path / "second.json", event(2, "c", 30), "\n", {**GOOD, "body": "not json"}, "\n")
    made = run("--input", first, "--keep", str(keep), "--json", "--streams", "layered")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["silver"] == 2

    # Same layout without the flag: the lakehouse's own. Only the new file is read.
    added = run("--input", second, "--keep", str(keep), "--json")
    assert added.returncode == 0, added.stderr
    result = json.loads(added.stdout)
    assert (result["bronze"], result["silver"], result["quarantine"]) == (4, 3, 1)
    assert [(row["events"], row["temperature"]) for row in result["gold"]] == [(3, 20.0)]
    assert sorted(path.name for path in (keep / "source").iterdir()) == ["events-2.json", "events.json"]

    again = run("--keep", str(keep), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == result

    # A reset of silver's checkpoint: silver re-reads bronze; silver and gold stay, the quarantine gets every row again.
    shutil.rmtree(keep / "checkpoints" / "silver" / "weather")
    reset = run("--keep", str(keep), "--json")
    assert reset.returncode == 0, reset.stderr
    assert json.loads(reset.stdout) == {**result, "quarantine": 1 + 4}

    copy = write(tmp_path / "copy.json", (tmp_path / "first.json").read_text())
    refused = run("--input", copy, "--keep", str(keep))
    assert refused.returncode == 2
    assert refused.stderr == (
        f"error: --input {copy}: the same content is already in the lakehouse in {keep} (as source/events.json); "
        "each run reads only what is new, so give a file of new events, or leave --input out to continue\n"
    )
    assert len(list((keep / "source").iterdir())) == 2


def make_lakehouse(folder, **settings):
    """A kept lakehouse's manifest as a first run writes it (the refusals are decided before Spark starts)."""
    folder.mkdir()
    manifest = {"version": 1, "source": "file", "streams": "single", "gold_mode": "update", "inputs": [], **settings}
    (folder / "lakestream-lakehouse.json").write_text(json.dumps(manifest))
    return folder


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--streams", "layered"], "--streams layered: the lakehouse in {keep} was made with --streams single"),
        (["--gold-mode", "append"], "--gold-mode append: the lakehouse in {keep} was made with --gold-mode update"),
        ([], "--source file: the lakehouse in {keep} was made with --source eventhubs"),
    ],
)
def test_a_kept_lakehouse_refuses_another_layout_gold_mode_or_source(tmp_path, flags, message):
    source = "eventhubs" if not flags else "file"
    keep = make_lakehouse(tmp_path / "lakehouse", source=source)
    before = sorted(keep.rglob("*"))
    result = run("--input", write(tmp_path / "events.json", GOOD), "--keep", str(keep), *flags)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {message.format(keep=keep)}, and a kept lakehouse continues as it was")
    assert sorted(keep.rglob("*")) == before


@pytest.mark.parametrize(
    ("setup", "detail"),
    [
        (lambda keep: (keep / "notes.txt").write_text("x"), "is not empty and not a lakehouse of ours"),
        (lambda keep: (keep / "lakestream-lakehouse.json").write_text("{"), "cannot be read"),
        (lambda keep: (keep / "lakestream-lakehouse.json").write_text('{"version": 9}'), "is not a version 1"),
    ],
    ids=["foreign files", "unreadable manifest", "other manifest"],
)
def test_a_folder_that_is_not_a_lakehouse_of_ours_exits_4_naming_it(tmp_path, setup, detail):
    keep = tmp_path / "lakehouse"
    keep.mkdir()
    setup(keep)
    before = sorted(keep.rglob("*"))
    result = run("--input", write(tmp_path / "events.json", GOOD), "--keep", str(keep))
    assert result.returncode == 5
    assert result.stderr.startswith(f"error: --keep {keep}: ") and detail in result.stderr
    assert "expected a new or empty directory, or a lakehouse an earlier" in result.stderr
    assert sorted(keep.rglob("*")) == before
