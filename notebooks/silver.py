# Databricks notebook source
# Silver: parses and validates bronze events into <catalog>.<silver_schema>.weather; every row that breaks a rule goes
# to <catalog>.<silver_schema>.weather_quarantine with its raw body and the reason, so bronze = silver + quarantine.
#
# Parameters (the job's base_parameters, docs/interfaces.md):
#   catalog            Unity Catalog catalog of the medallion tables
#   bronze_schema      schema of the bronze table (the source)
#   silver_schema      schema of the silver and quarantine tables
#   checkpoint_volume  /Volumes/<catalog>/<schema>/<volume>; this stream checkpoints in <volume>/silver/weather
#   trigger            continuous (runs until stopped) | availableNow (processes what is there, then stops)
#   trigger_seconds    seconds between micro-batches of a continuous run

# COMMAND ----------

# Defaults are what every stack passes, or empty (and required) where stacks differ.
dbutils.widgets.text("catalog", "")
dbutils.widgets.text("bronze_schema", "bronze")
dbutils.widgets.text("silver_schema", "silver")
dbutils.widgets.text("checkpoint_volume", "")
dbutils.widgets.text("trigger", "")
dbutils.widgets.text("trigger_seconds", "")

# COMMAND ----------

from medallion.silver import start_silver
from medallion.streams import TRIGGERS, run_to_end
from medallion.tables import bronze_table, create_tables, quarantine_table, silver_table
from medallion.widgets import require_choice, require_positive_int, require_text, require_volume_path, trigger_interval

catalog = require_text("catalog", dbutils.widgets.get("catalog"))
bronze_schema = require_text("bronze_schema", dbutils.widgets.get("bronze_schema"))
silver_schema = require_text("silver_schema", dbutils.widgets.get("silver_schema"))
checkpoint_volume = require_volume_path(dbutils.widgets.get("checkpoint_volume"))
trigger = require_choice("trigger", dbutils.widgets.get("trigger"), TRIGGERS)
interval = trigger_interval(require_positive_int("trigger_seconds", dbutils.widgets.get("trigger_seconds")))

# COMMAND ----------

# Bronze may not have written yet: its table and ours are created first, so this stream can start in any order.
create_tables(spark, catalog, bronze_schema=bronze_schema, silver_schema=silver_schema)
bronze = spark.readStream.table(bronze_table(catalog, bronze_schema))
query = start_silver(
    bronze,
    silver_table(catalog, silver_schema),
    quarantine_table(catalog, silver_schema),
    checkpoint_volume,
    trigger,
    interval=interval,
)
run_to_end(query)
