# Databricks notebook source
# Pipeline: the single-stream layout's one stream, from Event Hubs to bronze, silver (+ quarantine) and gold in each
# micro-batch. It checkpoints in <checkpoint_volume>/pipeline/weather.
#
# Parameters (the job's base_parameters, docs/interfaces.md):
#   catalog                 Unity Catalog catalog of the medallion tables
#   bronze_schema           schema of the bronze table
#   silver_schema           schema of the silver and quarantine tables
#   gold_schema             schema of the gold table
#   checkpoint_volume       /Volumes/<catalog>/<schema>/<volume>
#   secret_scope            secret scope holding the Listen connection string (with EntityPath=<hub>)
#   secret_key              key of that secret
#   starting_position       start (the oldest retained event) | latest (only new events)
#   max_events_per_trigger  most events read per micro-batch
#   consumer_group          Event Hubs consumer group to read through
#   trigger                 continuous (runs until stopped) | availableNow (drains what the hub holds, then stops)
#   trigger_seconds         seconds of a continuous run's processing-time trigger (scheduled runs ignore it)
#   gold_output_mode        update (in-progress windows upserted) | append (closed windows only)
#
# Placeholder with the interface's widgets only: the stream itself is not part of this build, and the notebook
# refuses to run rather than write nothing.

# COMMAND ----------

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

from medallion.streams import require_text

parameters = {
    name: dbutils.widgets.get(name)
    for name in (
        "catalog",
        "bronze_schema",
        "silver_schema",
        "gold_schema",
        "checkpoint_volume",
        "secret_scope",
        "secret_key",
        "starting_position",
        "max_events_per_trigger",
        "consumer_group",
        "trigger",
        "trigger_seconds",
        "gold_output_mode",
    )
}
for name, value in parameters.items():
    require_text(name, value)
raise NotImplementedError("the single-stream pipeline is not part of this build: run the job with streams: layered")
