"""Running independent Spark steps side by side from one driver: table creation, the writes of one micro-batch."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from pyspark.sql import SparkSession


def in_session(spark: SparkSession, step: Callable[[], None]) -> Callable[[], None]:
    """`step`, to run on another thread with `spark` as that thread's active session, which Delta's planning reads:
    a new thread has none, and a write planned without it does not find the table's schema."""

    def run() -> None:
        spark._jvm.org.apache.spark.sql.SparkSession.setActiveSession(spark._jsparkSession)
        step()

    return run


def run_together(spark: SparkSession, *steps: Callable[[], None]) -> None:
    """Runs the steps on threads of their own and waits for all of them; raises the first failure once every step has
    ended, so nothing of a failed step's companions is still running when the caller retries or reports.

    Each step's Spark jobs are planned and committed on the driver while the other steps' tasks use the cores: on a
    small cluster most of a small write is driver time (planning, the Delta log, the commit), so overlapping them
    saves most of it."""
    with ThreadPoolExecutor(max_workers=max(1, len(steps))) as pool:
        futures = [pool.submit(in_session(spark, step)) for step in steps]
        wait(futures)
    for future in futures:
        future.result()
