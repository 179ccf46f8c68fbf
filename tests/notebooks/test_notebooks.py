"""The notebooks themselves: Databricks source header, exactly the widgets of docs/interfaces.md, thin module calls."""

import ast
import re
from pathlib import Path

import pytest

from medallion.bronze import eventhubs_options, read_eventhubs, starting_position
from medallion.streams import checkpoint_path
from medallion.widgets import require_positive_int, require_volume_path

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
# Copied from the table in docs/interfaces.md; the job's base_parameters must match these names.
WIDGETS = {
    "bronze": [
        "catalog",
        "bronze_schema",
        "checkpoint_volume",
        "secret_scope",
        "secret_key",
        "starting_position",
        "max_events_per_trigger",
        "consumer_group",
        "trigger",
        "trigger_seconds",
    ],
    "silver": ["catalog", "bronze_schema", "silver_schema", "checkpoint_volume", "trigger", "trigger_seconds"],
    "gold": [
        "catalog",
        "silver_schema",
        "gold_schema",
        "checkpoint_volume",
        "trigger",
        "trigger_seconds",
        "gold_output_mode",
    ],
    "pipeline": [
        "catalog",
        "bronze_schema",
        "silver_schema",
        "gold_schema",
        "checkpoint_volume",
        "secret_scope",
        "secret_key",
        "starting_position",
        "max_events_per_trigger",
        "consumer_group",
        "trigger",
        "trigger_seconds",
        "gold_output_mode",
    ],
}


def source(name):
    return (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(WIDGETS))
def test_notebook_starts_with_the_databricks_header(name):
    assert source(name).splitlines()[0] == "# Databricks notebook source"


@pytest.mark.parametrize("name", list(WIDGETS))
def test_notebook_declares_exactly_its_widgets(name):
    declared = re.findall(r'dbutils\.widgets\.(?:text|dropdown)\("([^"]+)"', source(name))
    assert declared == WIDGETS[name]
    read = re.findall(r'dbutils\.widgets\.get\("([^"]+)"\)', source(name))
    assert sorted(read) == sorted(WIDGETS[name])


@pytest.mark.parametrize("name", list(WIDGETS))
def test_notebook_is_valid_python_that_imports_the_module_and_prints_nothing(name):
    tree = ast.parse(source(name))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert any(module.startswith("medallion") for module in imported)
    calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert "print" not in calls and "display" not in calls


def test_starting_positions_follow_the_connector_json():
    assert starting_position("start") == '{"offset": "-1", "seqNo": -1, "enqueuedTime": null, "isInclusive": true}'
    assert (
        starting_position("latest") == '{"offset": "@latest", "seqNo": -1, "enqueuedTime": null, "isInclusive": true}'
    )
    with pytest.raises(ValueError, match="starting_position must be one of start, latest"):
        starting_position("earliest")


def test_eventhubs_options_use_the_default_consumer_group():
    options = eventhubs_options("ENCRYPTED", "start", 500)
    assert options == {
        "eventhubs.connectionString": "ENCRYPTED",
        "eventhubs.startingPosition": starting_position("start"),
        "maxEventsPerTrigger": "500",
        "eventhubs.consumerGroup": "$Default",
    }


def test_eventhubs_options_read_through_a_dedicated_consumer_group():
    options = eventhubs_options("ENCRYPTED", "latest", 8000, "databricks")
    assert options["eventhubs.consumerGroup"] == "databricks"
    assert options["eventhubs.startingPosition"] == starting_position("latest")


def test_an_empty_consumer_group_is_refused():
    with pytest.raises(ValueError, match="consumer_group must not be empty"):
        eventhubs_options("ENCRYPTED", "start", 500, " ")


def test_a_connection_string_without_entity_path_is_refused_without_echoing_it(spark):
    secret = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=s3cr3t"
    with pytest.raises(ValueError) as raised:
        read_eventhubs(spark, secret, "start", 100)
    assert "EntityPath" in str(raised.value) and "s3cr3t" not in str(raised.value)


def test_checkpoints_live_in_a_unity_catalog_volume():
    assert require_volume_path("/Volumes/lake/bronze/checkpoints/") == "/Volumes/lake/bronze/checkpoints"
    assert checkpoint_path("/Volumes/lake/bronze/checkpoints", "gold", "weather_summary") == (
        "/Volumes/lake/bronze/checkpoints/gold/weather_summary"
    )
    for legacy in ("/mnt/streaming", "dbfs:/mnt/streaming/bronze", "/Volumes/lake/bronze", ""):
        with pytest.raises(ValueError, match="checkpoint_volume must be a Unity Catalog volume path"):
            require_volume_path(legacy)


def test_max_events_per_trigger_must_be_a_positive_integer():
    assert require_positive_int("max_events_per_trigger", "2000") == 2000
    for bad in ("0", "-5", "many", ""):
        with pytest.raises(ValueError, match="max_events_per_trigger must be a positive integer"):
            require_positive_int("max_events_per_trigger", bad)
