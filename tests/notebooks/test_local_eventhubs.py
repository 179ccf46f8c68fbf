"""The Event Hubs source's connection handling: where the Listen connection string comes from, what is refused before
Spark starts, and that no message carries key material."""

import json
import subprocess

import pytest

from medallion import local
from medallion.kept import open_kept, record, settle
from medallion.local_eventhubs import (
    CONNECTION_STRING_ENV,
    UsageError,
    describe_failure,
    listen_connection_string,
    main_eventhubs,
    parse_connection_string,
)

KEY = "bGlzdGVuLW9ubHktdGVzdC1rZXk="
GOOD = f"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey={KEY};EntityPath=weather"


def pulumi(stdout="", returncode=0, stderr="", missing=False):
    """A stand-in for running the Pulumi CLI, recording the command it was given."""
    calls = []

    def run(command, **_kwargs):
        calls.append(command)
        if missing:
            raise FileNotFoundError("pulumi")
        return subprocess.CompletedProcess(command, returncode, stdout=stdout, stderr=stderr)

    return run, calls


def test_stack_output_is_read_with_secrets_shown():
    run, calls = pulumi(json.dumps({"listenConnectionString": GOOD, "sendConnectionString": "other"}))
    value, source = listen_connection_string("dev", env={CONNECTION_STRING_ENV: "ignored"}, run=run)
    assert value == GOOD
    assert source == 'stack output listenConnectionString of stack "dev"'
    assert calls == [["pulumi", "stack", "output", "--json", "--show-secrets", "--stack", "dev"]]


@pytest.mark.parametrize(
    ("runner", "message"),
    [
        (pulumi(missing=True)[0], '"pulumi" is not on PATH'),
        (pulumi(returncode=255, stderr="error: no stack named 'qa' found\n")[0], "no stack named 'qa' found"),
        (pulumi("not json")[0], "did not print JSON"),
        (pulumi(json.dumps({"sendConnectionString": GOOD}))[0], 'has no output "listenConnectionString"'),
    ],
)
def test_stack_problems_are_usage_errors_naming_the_stack(runner, message):
    with pytest.raises(UsageError, match=message):
        listen_connection_string("qa", env={}, run=runner)


def test_environment_variable_is_the_fallback_and_a_missing_one_says_what_to_do():
    assert listen_connection_string(None, env={CONNECTION_STRING_ENV: GOOD}) == (
        GOOD,
        f"environment variable {CONNECTION_STRING_ENV}",
    )
    with pytest.raises(UsageError, match=f"give --stack NAME .* or set {CONNECTION_STRING_ENV}"):
        listen_connection_string(None, env={})


def test_a_usable_connection_string_gives_host_and_hub():
    parts = parse_connection_string(GOOD, "test")
    assert (parts["host"], parts["hub"], parts["key_name"]) == ("ns.servicebus.windows.net", "weather", "listen")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just text", "every part must be Name=value"),
        (GOOD.replace("sb://ns.servicebus.windows.net/", "https://ns"), "needs Endpoint=sb://"),
        (GOOD.replace("ns.servicebus.windows.net/", "127.0.0.1:5672/"), "the endpoint has no port"),
        (GOOD.replace(f"SharedAccessKey={KEY};", ""), "needs SharedAccessKeyName and SharedAccessKey"),
        (GOOD.replace(";EntityPath=weather", ""), "needs EntityPath=<hub>"),
        (GOOD + ";UseDevelopmentEmulator=true", "UseDevelopmentEmulator"),
    ],
)
def test_unusable_connection_strings_are_refused_without_echoing_them(text, message):
    with pytest.raises(UsageError, match=message) as raised:
        parse_connection_string(text, "environment variable X")
    assert KEY not in str(raised.value) and "environment variable X" in str(raised.value)


def test_failures_are_described_in_one_line():
    refused = "Caused by: AuthorizationFailedException: status-code: 401, status-description: InvalidSignature: bad."
    assert describe_failure(Exception(refused), "h", ()) == (
        "Event Hubs at h refused the Listen connection string: InvalidSignature: bad. (check the key and its rule)"
    )
    untrusted = Exception("javax.net.ssl.SSLHandshakeException: PKIX path building failed")
    assert "not trusted by the JVM" in describe_failure(untrusted, "h", ())
    assert describe_failure(Exception(f"boom {KEY}\nmore"), "h", (KEY,)) == "reading Event Hubs at h failed: boom ***"


@pytest.mark.parametrize(
    ("setup", "message", "code"),
    [
        (
            lambda keep: keep.write_text("x"),
            "is a file; give a new or empty directory, or a lakehouse kept earlier",
            2,
        ),
        (lambda keep: (keep.mkdir(), (keep / "notes.txt").write_text("x")), "not a lakehouse of ours", 5),
        (lambda keep: keep.parent.joinpath("blocker").write_text("x"), "cannot create it", 2),
    ],
    ids=["a file", "a foreign folder", "inside a file"],
)
def test_a_keep_folder_that_cannot_hold_the_lakehouse_is_refused_and_left_as_found(
    tmp_path, monkeypatch, capsys, setup, message, code
):
    keep = tmp_path / "lakehouse"
    setup(keep)
    if (tmp_path / "blocker").exists():
        keep = tmp_path / "blocker" / "lakehouse"
    before = sorted(str(path) for path in tmp_path.rglob("*"))
    monkeypatch.setenv(CONNECTION_STRING_ENV, GOOD)
    args = local.parse_args(["--source", "eventhubs", "--keep", str(keep)])
    assert main_eventhubs(args) == code
    error = capsys.readouterr().err
    assert error.startswith(f"error: --keep {keep}: ") and message in error and KEY not in error
    assert sorted(str(path) for path in tmp_path.rglob("*")) == before


def test_a_kept_lakehouse_of_another_source_or_layout_is_refused_before_connecting(tmp_path, monkeypatch, capsys):
    keep = tmp_path / "lakehouse"
    keep.mkdir()
    manifest = {"version": 1, "source": "eventhubs", "streams": "layered", "gold_mode": "update", "inputs": []}
    (keep / "lakestream-lakehouse.json").write_text(json.dumps(manifest))
    monkeypatch.setenv(CONNECTION_STRING_ENV, GOOD)
    assert main_eventhubs(local.parse_args(["--source", "eventhubs", "--keep", str(keep), "--streams", "single"])) == 2
    assert "--streams single: the lakehouse in" in capsys.readouterr().err
    file_made = {**manifest, "source": "file"}
    (keep / "lakestream-lakehouse.json").write_text(json.dumps(file_made))
    assert main_eventhubs(local.parse_args(["--source", "eventhubs", "--keep", str(keep)])) == 2
    assert "--source eventhubs: the lakehouse in" in capsys.readouterr().err


def test_a_new_keep_folder_records_the_lakehouse_it_becomes(tmp_path):
    keep = open_kept(str(tmp_path / "new"))
    assert keep.is_new and settle(keep, "eventhubs", None, "append") == {
        "source": "eventhubs",
        "streams": "single",
        "gold_mode": "append",
    }
    keep.path.mkdir()
    record(keep)
    again = open_kept(str(tmp_path / "new"))
    assert not again.is_new and settle(again, "eventhubs", None, None)["gold_mode"] == "append"


def test_a_drain_starts_its_session_as_a_short_run(tmp_path, monkeypatch, capsys):
    """A local drain reads a dev hub's sample events: its session starts with the quick JIT compiler only and
    expressions interpreted, as a file run of up to 50,000 events does (`medallion.local`)."""
    import medallion.local_eventhubs as eventhubs

    started = {}

    def session(warehouse, **options):
        started.update(options)
        raise RuntimeError("no Spark in this test")

    monkeypatch.setattr(eventhubs, "check_reachable", lambda _host, _timeout: None)
    monkeypatch.setattr(eventhubs, "local_session", session)
    monkeypatch.setenv(CONNECTION_STRING_ENV, GOOD)
    assert main_eventhubs(local.parse_args(["--source", "eventhubs", "--keep", str(tmp_path / "lakehouse")])) == 1
    assert "no Spark in this test" in capsys.readouterr().err
    assert started["quick_jit"] and started["interpreted"]
    assert local._session_settings(50_000)["quick_jit"] and local._session_settings(50_000)["interpreted"]
