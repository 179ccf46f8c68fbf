"""The medallion pipeline's transformations and writers, shared by the Databricks notebooks and the local pipeline."""
