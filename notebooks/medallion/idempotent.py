"""Delta writes done once per micro-batch, the one idempotent write every layer uses, and the key of a checkpoint."""

import json
import uuid

from pyspark.sql import DataFrame, SparkSession

# Our file in a stream's checkpoint folder: the key its writes are made idempotent under. Spark ignores files of its
# checkpoint root that it does not own (metadata, offsets/, commits/, sources/, state/ are its own).
KEY_FILE = "lakestream_key.json"

# Who is told when a micro-batch reaches a named step between its writes (`step_reached`): nobody on Databricks. The
# local kill harness's fault points (medallion.faults, local-only, never uploaded) register here to stop the run at
# a step, so the runtime modules carry no test code, only this call.
_STEP_OBSERVERS: list = []


def observe_steps(observer) -> None:
    """Calls `observer(step, batch_id)` at every named step of every micro-batch from now on."""
    _STEP_OBSERVERS.append(observer)


def step_reached(step: str, batch_id: int) -> None:
    """Tells the step observers (if any) that micro-batch `batch_id` reached `step`."""
    for observer in _STEP_OBSERVERS:
        observer(step, batch_id)


def write_once(
    frame: DataFrame, table: str, app_id: str, batch_id: int, mode: str = "append", replace_where: str | None = None
) -> None:
    """Writes `frame` to the Delta table once per (app_id, batch_id): Delta skips a (txnAppId, txnVersion) it already
    committed, so a micro-batch replayed after a failure is not written twice. `mode` is `append`, or `overwrite` of
    the rows matching `replace_where`. `app_id` is the checkpoint's key (`checkpoint_key`), not its path."""
    writer = (
        frame.write.format("delta").mode(mode).option("txnAppId", f"{app_id}:{table}").option("txnVersion", batch_id)
    )
    if replace_where is not None:
        writer = writer.option("replaceWhere", replace_where)
    writer.saveAsTable(table)


def _file_system(spark: SparkSession, path: str):
    # The Hadoop FileSystem of the JVM, as Spark resolves the checkpointLocation itself: a local path here, and on
    # Databricks a /Volumes/... path (the default file system there serves Unity Catalog volumes), with no need for
    # the driver's FUSE mount of /Volumes.
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    return hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), hadoop_path


def _has_batches(fs, checkpoint) -> bool:
    """Whether Spark planned any batch in this checkpoint: an offsets entry exists, committed or not."""
    offsets = checkpoint.suffix("/offsets")
    if not fs.exists(offsets):
        return False
    return any(status.getPath().getName().isdigit() for status in fs.listStatus(offsets))


def checkpoint_key(spark: SparkSession, checkpoint: str) -> str:
    """The key a stream checkpointing in `checkpoint` makes its writes idempotent under (the txnAppId's prefix).

    It names the checkpoint, not its path: batch ids restart at 0 in a new checkpoint at the same path, and under a
    key made of the path alone Delta would skip every write of the new checkpoint as already done. A new checkpoint
    (no batch planned yet) gets `<path>#<random id>`, written to `<checkpoint>/lakestream_key.json` before the stream
    starts, so every restart of that checkpoint reads the same key; deleting the checkpoint deletes the key with it.

    A checkpoint made before this file existed (batches planned, no key file) keeps the key its writes already used,
    the path alone, and records it: a batch in flight when the job was upgraded is replayed under its old key, and
    Delta still skips the tables that batch had written.
    """
    fs, folder = _file_system(spark, checkpoint)
    key_file = folder.suffix(f"/{KEY_FILE}")
    if fs.exists(key_file):
        stream = fs.open(key_file)
        try:
            text = spark.sparkContext._jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
        finally:
            stream.close()
        key = json.loads(text).get("txnAppId")
        if not isinstance(key, str) or not key:
            raise ValueError(f"{checkpoint}/{KEY_FILE} has no txnAppId; restore it, or reset the whole checkpoint")
        return key
    key = checkpoint if _has_batches(fs, folder) else f"{checkpoint}#{uuid.uuid4()}"
    # create(..., overwrite=False) fails if another writer got there first: one run at a time holds a checkpoint.
    stream = fs.create(key_file, False)
    try:
        stream.write(bytearray(json.dumps({"txnAppId": key}).encode("utf-8")))
    finally:
        stream.close()
    return key
