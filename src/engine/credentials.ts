// Which environment variables carry cloud credentials: the offline engine removes them and its stand-ins refuse them.

/** Azure (ARM_*, AZURE_*), Databricks (DATABRICKS_*) and Pulumi Cloud credentials and their settings. */
export const credentialVariable = /^(ARM_|AZURE_|DATABRICKS_|PULUMI_ACCESS_TOKEN$)/;
