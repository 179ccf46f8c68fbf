# Databricks notebook source
# Pipeline: one stream from Event Hubs through bronze, silver (and its quarantine) and gold, the single-stream layout
# (lakestream:job.streams single). Each micro-batch lands in <catalog>.<bronze_schema>.weather, is validated into
# <catalog>.<silver_schema>.weather or .weather_quarantine, and updates <catalog>.<gold_schema>.weather_summary.
#
# Parameters (the job's base_parameters, docs/interfaces.md):
#   catalog                 Unity Catalog catalog of the medallion tables
#   bronze_schema           schema of the bronze table
#   silver_schema           schema of the silver and quarantine tables
#   gold_schema             schema of the gold table
#   checkpoint_volume       /Volumes/<catalog>/<schema>/<volume>; this stream checkpoints in <volume>/pipeline/weather
#   secret_scope            secret scope holding the Listen connection string (with EntityPath=<hub>)
#   secret_key              key of that secret
#   starting_position       start (the oldest retained event) | latest (only new events)
#   max_events_per_trigger  most events read per micro-batch
#   consumer_group          Event Hubs consumer group to read through ($Default, the only one on the Basic tier)
#   trigger                 continuous (runs until stopped) | availableNow (drains what the hub holds, then stops)
#   trigger_seconds         seconds between micro-batches of a continuous run
#   gold_output_mode        update (windows rewritten as events arrive) | append (closed windows only)
#
# Needs the cluster library com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22 and dedicated (single-user) access
# mode: standard access mode blocks EventHubsUtils.encrypt.

# COMMAND ----------

# Defaults are what every stack passes, or empty (and required) where stacks differ.
dbutils.widgets.text("catalog", "")
dbutils.widgets.text("bronze_schema", "bronze")
dbutils.widgets.text("silver_schema", "silver")
dbutils.widgets.text("gold_schema", "gold")
dbutils.widgets.text("checkpoint_volume", "")
dbutils.widgets.text("secret_scope", "")
dbutils.widgets.text("secret_key", "eventhubs-listen-connection-string")
dbutils.widgets.text("starting_position", "")
dbutils.widgets.text("max_events_per_trigger", "")
dbutils.widgets.text("consumer_group", "")
dbutils.widgets.text("trigger", "")
dbutils.widgets.text("trigger_seconds", "")
dbutils.widgets.dropdown("gold_output_mode", "update", ["update", "append"])

# COMMAND ----------

from medallion.bronze import STARTING_POSITIONS, read_eventhubs, to_bronze
from medallion.gold import OUTPUT_MODES
from medallion.single_stream import start_single_stream
from medallion.streams import TRIGGERS, finish_connector_stream
from medallion.tables import create_tables, medallion_tables
from medallion.widgets import require_choice, require_positive_int, require_text, require_volume_path, trigger_interval

catalog = require_text("catalog", dbutils.widgets.get("catalog"))
bronze_schema = require_text("bronze_schema", dbutils.widgets.get("bronze_schema"))
silver_schema = require_text("silver_schema", dbutils.widgets.get("silver_schema"))
gold_schema = require_text("gold_schema", dbutils.widgets.get("gold_schema"))
checkpoint_volume = require_volume_path(dbutils.widgets.get("checkpoint_volume"))
secret_scope = require_text("secret_scope", dbutils.widgets.get("secret_scope"))
secret_key = require_text("secret_key", dbutils.widgets.get("secret_key"))
position = require_choice("starting_position", dbutils.widgets.get("starting_position"), STARTING_POSITIONS)
max_events_per_trigger = require_positive_int("max_events_per_trigger", dbutils.widgets.get("max_events_per_trigger"))
consumer_group = require_text("consumer_group", dbutils.widgets.get("consumer_group"))
trigger = require_choice("trigger", dbutils.widgets.get("trigger"), TRIGGERS)
interval = trigger_interval(require_positive_int("trigger_seconds", dbutils.widgets.get("trigger_seconds")))
gold_mode = require_choice("gold_output_mode", dbutils.widgets.get("gold_output_mode"), OUTPUT_MODES)
tables = medallion_tables(catalog, bronze_schema, silver_schema, gold_schema)

# COMMAND ----------

create_tables(spark, catalog, bronze_schema, silver_schema, gold_schema)
# The connection string goes straight from the secret scope to the encrypted connector option; it is never printed.
events = read_eventhubs(
    spark, dbutils.secrets.get(secret_scope, secret_key), position, max_events_per_trigger, consumer_group
)
query = start_single_stream(to_bronze(events), tables, checkpoint_volume, trigger, gold_mode, interval=interval)
# Waits until the hub is drained (availableNow) or the job is cancelled (continuous), and always stops the stream.
finish_connector_stream(query, trigger)
