"""The scheduled bronze run's drain: bounded micro-batches until one finds nothing, and file rows shaped like the
connector's (empty maps, not nulls, and the partition key among the system properties)."""

import json

import pytest

from medallion.bronze import lines_to_connector_rows, read_connector_lines, start_bronze, to_bronze
from medallion.local_lakehouse import LOCAL_CATALOG, run_layers
from medallion.schema import LINE_SCHEMA
from medallion.streams import StreamStalled, drain, finish_connector_stream
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


def test_the_single_stream_drain_counts_the_rows_its_batches_wrote(spark, schemas, tmp_path):
    # Spark reports 0 input rows for every batch of this stream (its batch reads a cache); the drain must still stop
    # once caught up and report the rows, from what each batch wrote.
    source = tmp_path / "source"
    write_files(source, 3, events_per_file=4)
    rows = read_connector_lines(spark, str(source), max_files_per_trigger=1)
    report = run_layers(spark, rows, str(tmp_path / "checkpoints"), schemas=schemas, stall_timeout=300)
    assert (report.batches, report.rows) == (3, 12)
    assert spark.table(bronze_table(LOCAL_CATALOG, schemas["bronze"])).count() == 12


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


def progress(batch_id, start, end, rows):
    """A progress report as Spark gives one per trigger: one source, the offsets it read from and up to."""
    return {"batchId": batch_id, "numInputRows": rows, "sources": [{"startOffset": start, "endOffset": end}]}


class ScriptedQuery:
    """Stands in for a StreamingQuery whose progress grows one look at a time, with a status message that never
    changes: the drain must decide from the progress alone. Used where the real query's timing cannot be controlled
    (the looks before its first trigger) and to show that no status text is read."""

    name = "scripted"
    status = {"message": "a runtime's own wording", "isDataAvailable": False, "isTriggerActive": False}

    def __init__(self, progress_by_look):
        self.progress_by_look = progress_by_look
        self.looks = 0
        self.stopped_at = None

    @property
    def isActive(self):
        return self.stopped_at is None

    @property
    def recentProgress(self):
        current = self.progress_by_look[min(self.looks, len(self.progress_by_look) - 1)]
        self.looks += 1
        return current

    def stop(self):
        self.stopped_at = self.looks

    def exception(self):
        return None


def test_drain_waits_for_the_first_trigger_and_stops_after_one_that_read_nothing():
    # start() can return before the query's first trigger: no progress at all is not "caught up".
    first = progress(0, None, {"0": 5}, 5)
    second = progress(1, {"0": 5}, {"0": 9}, 4)
    empty = progress(2, {"0": 9}, {"0": 9}, 0)
    query = ScriptedQuery([[], [], [first], [first, second], [first, second, empty]])
    report = drain(query, stall_timeout=60)
    assert (report.batches, report.rows) == (2, 9)
    assert query.stopped_at == 5


def test_drain_of_a_source_with_nothing_new_stops_after_one_empty_trigger():
    query = ScriptedQuery([[], [progress(4, {"0": 9}, {"0": 9}, 0)]])
    report = drain(query, stall_timeout=60)
    assert (report.batches, report.rows, query.stopped_at) == (0, 0, 2)


def test_drain_counts_the_rows_each_batch_reported_itself_when_given():
    # The single-stream layout's batches read a cache: Spark reports 0 input rows, the batch knows its own.
    batches = [progress(0, None, {"0": 3}, 0), progress(1, {"0": 3}, {"0": 7}, 0)]
    query = ScriptedQuery([batches, [*batches, progress(2, {"0": 7}, {"0": 7}, 0)]])
    report = drain(query, stall_timeout=60, batch_rows={0: 3, 1: 4})
    assert (report.batches, report.rows) == (2, 7)


def test_drain_of_a_query_that_never_reports_progress_stalls():
    query = ScriptedQuery([[]])
    with pytest.raises(StreamStalled, match="within 0.5 s"):
        drain(query, stall_timeout=0.5)
    assert query.stopped_at is not None


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
