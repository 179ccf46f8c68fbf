"""The local pipeline's command line: bad input exits 2 naming the file, line or flag; a good run prints only JSON."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"body": '{"temperature": 20, "humidity": 50, "location": "Oslo"}', "enqueuedTime": "2026-01-01T10:00:00Z"}


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "notebooks")}
    command = [sys.executable, "-m", "medallion.local", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def write(path, *lines):
    path.write_text("".join(line if isinstance(line, str) else json.dumps(line) for line in lines))
    return str(path)


def test_missing_file(tmp_path):
    result = run("--input", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.json'}: no such file" in result.stderr


@pytest.mark.parametrize(
    ("second_line", "message"),
    [
        ("this is not json\n", "not a JSON object"),
        ("[1, 2]\n", "not a JSON object (got a JSON list)"),
        ({"body": "{}", "partition": "0"}, '"enqueuedTime" is missing'),
        ({"body": "{}", "enqueuedTime": "soon"}, '"enqueuedTime" is not an ISO 8601 time'),
        ({"body": {"temperature": 20}, "enqueuedTime": "2026-01-01T10:00:00Z"}, '"body" must be a string'),
        ({"body": "{}", "enqueuedTime": "2026-01-01T10:00:00Z", "sequenceNumber": "7"}, '"sequenceNumber" must be'),
    ],
)
def test_bad_line_names_file_and_line(tmp_path, second_line, message):
    path = write(tmp_path / "events.json", GOOD, "\n", second_line, "\n" if not isinstance(second_line, str) else "")
    result = run("--input", path)
    assert result.returncode == 2
    assert f"{path}:2: " in result.stderr and message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gold-mode", "complete"], "--gold-mode: invalid choice: 'complete' (choose from 'update', 'append')"),
        (["--outputs", "x"], "unrecognized arguments: --outputs x"),
        (["--input"], "--input: expected one argument"),
    ],
)
def test_bad_flags_exit_2_and_say_what_is_allowed(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "allowed flags: --input FILE, --json, --gold-mode update|append, --keep DIR" in result.stderr


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
