"""Shared fixtures for the notebook tests: one local Spark + Delta session for the whole run, and input builders."""

import itertools
from datetime import UTC, datetime

import pytest
from pyspark.sql.types import StructField, StructType, TimestampType

from medallion.schema import CONNECTOR_SCHEMA
from medallion.session import local_session

_schema_ids = itertools.count()


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    # One JVM for the whole suite: starting Spark costs seconds, each test only milliseconds.
    session = local_session(str(tmp_path_factory.mktemp("warehouse")), app_name="lakestream-tests")
    yield session
    session.stop()


@pytest.fixture
def schemas(spark):
    """Fresh bronze/silver/gold schema names, so tests sharing the session never see each other's tables."""
    prefix = f"t{next(_schema_ids)}"
    names = {layer: f"{prefix}_{layer}" for layer in ("bronze", "silver", "gold")}
    for name in names.values():
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS spark_catalog.{name}")
    return names


def at(text: str) -> datetime:
    """A UTC time from 'HH:MM:SS' on 2026-01-01 (the session time zone is UTC)."""
    return datetime.fromisoformat(f"2026-01-01T{text}").replace(tzinfo=UTC)


def bronze_frame(spark, bodies, enqueued=None):
    """Bronze rows (connector columns + ingested_at) for the given bodies; row i has sequenceNumber i."""
    rows = []
    for index, body in enumerate(bodies):
        moment = at("10:00:00") if enqueued is None else enqueued[index]
        raw = None if body is None else body.encode("utf-8")
        rows.append((raw, "0", str(index * 100), index, moment, None, "key", {}, {}, at("11:00:00")))
    schema = StructType([*CONNECTOR_SCHEMA.fields, StructField("ingested_at", TimestampType())])
    return spark.createDataFrame(rows, schema)
