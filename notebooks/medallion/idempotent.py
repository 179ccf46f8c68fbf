"""Delta writes done once per micro-batch, the one idempotent write every layer uses."""

from pyspark.sql import DataFrame


def write_once(
    frame: DataFrame, table: str, app_id: str, batch_id: int, mode: str = "append", replace_where: str | None = None
) -> None:
    """Writes `frame` to the Delta table once per (app_id, batch_id): Delta skips a (txnAppId, txnVersion) it already
    committed, so a micro-batch replayed after a failure is not written twice. `mode` is `append`, or `overwrite` of
    the rows matching `replace_where`."""
    writer = (
        frame.write.format("delta").mode(mode).option("txnAppId", f"{app_id}:{table}").option("txnVersion", batch_id)
    )
    if replace_where is not None:
        writer = writer.option("replaceWhere", replace_where)
    writer.saveAsTable(table)
