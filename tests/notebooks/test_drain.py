"""The scheduled bronze run's drain: bounded micro-batches until one finds nothing, and file rows shaped like the
connector's (empty maps, not nulls, and the partition key among the system properties)."""

import json

import pytest

from medallion.bronze import lines_to_connector_rows, read_connector_lines, start_bronze, to_bronze
from medallion.local_lakehouse import LOCAL_CATALOG
from medallion.schema import LINE_SCHEMA
from medallion.streams import drain, finish_connector_stream
from medallion.tables import bronze_table


def write_files(folder, count, events_per_file=1):
    folder.mkdir(exist_ok=True)
    for index in range(count):
        rows = [
            {"body": json.dumps({"n": index}), "enqueuedTime": "2026-01-01T10:00:00Z", "sequenceNumber": index * 10 + i}
            for i in range(events_per_file)
        ]
        (folder / f"events-{index:03d}.json").write_text("".join(json.dumps(row) + "\n" for row in rows))


def test_drain_reads_everything_in_batches_bounded_by_the_source_limit_then_stops(spark, schemas, tmp_path):
    # 10 x the per-trigger limit + 1 more file: eleven bounded batches, where Trigger.AvailableNow would honour the
    # limit too for files, but the Event Hubs connector's source would run one batch only.
    source = tmp_path / "source"
    write_files(source, 11, events_per_file=3)
    table = bronze_table(LOCAL_CATALOG, schemas["bronze"])
    rows = to_bronze(read_connector_lines(spark, str(source), max_files_per_trigger=1))
    query = start_bronze(rows, table, str(tmp_path / "checkpoints"), "availableNow", name=f"{schemas['bronze']}_q")
    report = finish_connector_stream(query, "availableNow", stall_timeout=300)
    assert not query.isActive
    assert (report.batches, report.rows) == (11, 33)
    history = spark.sql(f"DESCRIBE HISTORY {table}").where("operation = 'STREAMING UPDATE'").collect()
    assert sorted(int(row["operationMetrics"]["numOutputRows"]) for row in history) == [3] * 11
    assert spark.table(table).count() == 33


def test_drain_of_a_caught_up_source_reads_nothing_and_stops(spark, schemas, tmp_path):
    source = tmp_path / "source"
    write_files(source, 2)
    table = bronze_table(LOCAL_CATALOG, schemas["bronze"])
    checkpoints = str(tmp_path / "checkpoints")
    first = start_bronze(to_bronze(read_connector_lines(spark, str(source))), table, checkpoints, "availableNow")
    assert (drain(first, stall_timeout=300).rows, spark.table(table).count()) == (2, 2)
    second = start_bronze(to_bronze(read_connector_lines(spark, str(source))), table, checkpoints, "availableNow")
    report = drain(second, stall_timeout=300)
    assert (report.batches, report.rows, second.isActive) == (0, 0, False)
    assert spark.table(table).count() == 2


def test_drain_raises_the_error_of_a_failed_query(spark, schemas, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "bad.json").write_text('{"body": "x", "enqueuedTime": "2026-01-01T10:00:00Z", "sequenceNumber": "x"}\n')
    table = bronze_table(LOCAL_CATALOG, schemas["bronze"])
    query = start_bronze(
        to_bronze(read_connector_lines(spark, str(source))), table, str(tmp_path / "cp"), "availableNow"
    )
    with pytest.raises(Exception, match="(?i)malformed"):
        drain(query, stall_timeout=300)
    assert not query.isActive


def status(message, data, trigger):
    return {"message": message, "isDataAvailable": data, "isTriggerActive": trigger}


class ScriptedQuery:
    """Stands in for a StreamingQuery walking through the statuses Spark 3.5 reports (messages from its
    ProgressReporter, StreamExecution and MicroBatchExecution), one status per look, each with the progress reported
    by then. Used where the real query's timing cannot be controlled: the statuses before its first trigger."""

    name = "scripted"

    def __init__(self, states):
        self.states = states
        self.looks = 0
        self.stopped_at = None

    def _state(self):
        return self.states[min(self.looks, len(self.states) - 1)]

    @property
    def isActive(self):
        return self.stopped_at is None

    @property
    def recentProgress(self):
        return self._state()[1]

    @property
    def status(self):
        current = self._state()[0]
        self.looks += 1
        return current

    def stop(self):
        self.stopped_at = self.looks

    def exception(self):
        return None


def test_drain_waits_for_the_first_trigger_before_judging_the_source_caught_up():
    # start() can return before the query's thread has run: its status then says no data and no active trigger.
    first_batch = [{"batchId": 0, "numInputRows": 5}]
    query = ScriptedQuery(
        [
            (status("Initializing StreamExecution", False, False), []),
            (status("Initializing sources", False, False), []),
            (status("Getting offsets from EventHubsSource", False, True), []),
            (status("Processing new data", True, True), []),
            (status("Waiting for next trigger", True, False), first_batch),
            (status("Getting offsets from EventHubsSource", True, True), first_batch),
            (status("Waiting for data to arrive", False, False), first_batch),
        ]
    )
    report = drain(query, stall_timeout=60)
    assert (report.batches, report.rows) == (1, 5)
    assert query.stopped_at == 7


def test_drain_of_a_source_with_nothing_new_stops_after_one_empty_trigger():
    query = ScriptedQuery(
        [
            (status("Initializing StreamExecution", False, False), []),
            (status("Getting offsets from EventHubsSource", False, True), []),
            (status("Waiting for next trigger", False, False), []),
        ]
    )
    report = drain(query, stall_timeout=60)
    assert (report.batches, report.rows, query.stopped_at) == (0, 0, 3)


def file_row_maps(spark, lines):
    frame = spark.read.schema(LINE_SCHEMA).json(spark.sparkContext.parallelize([json.dumps(row) for row in lines]))
    return [(row["properties"], row["systemProperties"]) for row in lines_to_connector_rows(frame).collect()]


def test_file_rows_have_the_maps_the_connector_gives(spark):
    moment = "2026-01-01T10:00:00Z"
    rows = file_row_maps(
        spark,
        [
            {"body": "{}", "enqueuedTime": moment, "partitionKey": "Oslo"},
            {"body": "{}", "enqueuedTime": moment},
            {"body": "{}", "enqueuedTime": moment, "partitionKey": "Oslo", "publisher": "station-7"},
            {"body": "{}", "enqueuedTime": moment, "properties": {"source": "lab"}, "systemProperties": {}},
        ],
    )
    assert rows == [
        ({}, {"x-opt-partition-key": "Oslo"}),
        ({}, {}),
        ({}, {"x-opt-partition-key": "Oslo", "x-opt-publisher": "station-7"}),
        ({"source": "lab"}, {}),
    ]
