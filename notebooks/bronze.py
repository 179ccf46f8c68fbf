# Databricks notebook source
# Bronze: streams the raw Event Hubs connector rows into <catalog>.<bronze_schema>.weather, nothing dropped.
#
# Parameters (the job's base_parameters, docs/interfaces.md):
#   catalog                 Unity Catalog catalog of the medallion tables
#   bronze_schema           schema of the bronze table
#   checkpoint_volume       /Volumes/<catalog>/<schema>/<volume>; this stream checkpoints in <volume>/bronze/weather
#   secret_scope            secret scope holding the Listen connection string (with EntityPath=<hub>)
#   secret_key              key of that secret
#   starting_position       start (the oldest retained event) | latest (only new events)
#   max_events_per_trigger  most events read per micro-batch
#   consumer_group          Event Hubs consumer group to read through ($Default, the only one on the Basic tier)
#   trigger                 continuous (runs until stopped) | availableNow (drains what the hub holds, in batches of at
#                           most max_events_per_trigger, then stops)
#   trigger_seconds         seconds between micro-batches of a continuous run (a scheduled run drains back to back)
#
# Needs the cluster library com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22 and dedicated (single-user) access
# mode: standard access mode blocks EventHubsUtils.encrypt.

# COMMAND ----------

# Defaults are what every stack passes, or empty where stacks differ: a run by hand must be given those values, and
# fails naming the missing one instead of writing to another stack's table.
dbutils.widgets.text("catalog", "")
dbutils.widgets.text("bronze_schema", "bronze")
dbutils.widgets.text("checkpoint_volume", "")
dbutils.widgets.text("secret_scope", "")
dbutils.widgets.text("secret_key", "eventhubs-listen-connection-string")
dbutils.widgets.text("starting_position", "")
dbutils.widgets.text("max_events_per_trigger", "")
dbutils.widgets.text("consumer_group", "")
dbutils.widgets.text("trigger", "")
dbutils.widgets.text("trigger_seconds", "")

# COMMAND ----------

from medallion.bronze import STARTING_POSITIONS, read_eventhubs, start_bronze, to_bronze
from medallion.streams import TRIGGERS, finish_connector_stream
from medallion.tables import bronze_table, create_tables
from medallion.widgets import require_choice, require_positive_int, require_text, require_volume_path, trigger_interval

catalog = require_text("catalog", dbutils.widgets.get("catalog"))
bronze_schema = require_text("bronze_schema", dbutils.widgets.get("bronze_schema"))
checkpoint_volume = require_volume_path(dbutils.widgets.get("checkpoint_volume"))
secret_scope = require_text("secret_scope", dbutils.widgets.get("secret_scope"))
secret_key = require_text("secret_key", dbutils.widgets.get("secret_key"))
position = require_choice("starting_position", dbutils.widgets.get("starting_position"), STARTING_POSITIONS)
max_events_per_trigger = require_positive_int("max_events_per_trigger", dbutils.widgets.get("max_events_per_trigger"))
consumer_group = require_text("consumer_group", dbutils.widgets.get("consumer_group"))
trigger = require_choice("trigger", dbutils.widgets.get("trigger"), TRIGGERS)
interval = trigger_interval(require_positive_int("trigger_seconds", dbutils.widgets.get("trigger_seconds")))
table = bronze_table(catalog, bronze_schema)

# COMMAND ----------

# The table exists before the stream starts, so silver and gold can start first (medallion.tables).
create_tables(spark, catalog, bronze_schema=bronze_schema)
# The connection string goes straight from the secret scope to the encrypted connector option; it is never printed.
events = read_eventhubs(
    spark, dbutils.secrets.get(secret_scope, secret_key), position, max_events_per_trigger, consumer_group
)
query = start_bronze(to_bronze(events), table, checkpoint_volume, trigger, interval=interval)
# Waits until the hub is drained (availableNow) or the job is cancelled (continuous), and always stops the stream.
finish_connector_stream(query, trigger)
