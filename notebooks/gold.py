# Databricks notebook source
# Gold: five-minute windows per location from <catalog>.<silver_schema>.weather into
# <catalog>.<gold_schema>.weather_summary, the table Power BI reads in DirectQuery.
#
# Parameters (the job's base_parameters, docs/interfaces.md):
#   catalog           Unity Catalog catalog of the medallion tables
#   silver_schema     schema of the silver table (the source)
#   gold_schema       schema of the gold table
#   checkpoint_volume /Volumes/<catalog>/<schema>/<volume>; this stream checkpoints in <volume>/gold/weather_summary
#   trigger           continuous (runs until stopped) | availableNow (processes what is there, then stops)
#   trigger_seconds   seconds between micro-batches of a continuous run
#   gold_output_mode  update (in-progress windows upserted with MERGE, fresh within a trigger) | append (closed windows
#                     only, at least ten minutes late)

# COMMAND ----------

# Defaults are what every stack passes, or empty (and required) where stacks differ.
dbutils.widgets.text("catalog", "")
dbutils.widgets.text("silver_schema", "silver")
dbutils.widgets.text("gold_schema", "gold")
dbutils.widgets.text("checkpoint_volume", "")
dbutils.widgets.text("trigger", "")
dbutils.widgets.text("trigger_seconds", "")
dbutils.widgets.dropdown("gold_output_mode", "update", ["update", "append"])

# COMMAND ----------

from medallion.gold import OUTPUT_MODES, start_gold
from medallion.streams import TRIGGERS, run_to_end
from medallion.tables import create_tables, gold_table, silver_table
from medallion.widgets import require_choice, require_positive_int, require_text, require_volume_path, trigger_interval

catalog = require_text("catalog", dbutils.widgets.get("catalog"))
silver_schema = require_text("silver_schema", dbutils.widgets.get("silver_schema"))
gold_schema = require_text("gold_schema", dbutils.widgets.get("gold_schema"))
checkpoint_volume = require_volume_path(dbutils.widgets.get("checkpoint_volume"))
trigger = require_choice("trigger", dbutils.widgets.get("trigger"), TRIGGERS)
interval = trigger_interval(require_positive_int("trigger_seconds", dbutils.widgets.get("trigger_seconds")))
output_mode = require_choice("gold_output_mode", dbutils.widgets.get("gold_output_mode"), OUTPUT_MODES)

# COMMAND ----------

# Silver may not have written yet: its table and ours are created first, so this stream can start in any order.
create_tables(spark, catalog, silver_schema=silver_schema, gold_schema=gold_schema)
silver = spark.readStream.table(silver_table(catalog, silver_schema))
query = start_gold(silver, gold_table(catalog, gold_schema), checkpoint_volume, trigger, output_mode, interval=interval)
run_to_end(query)
