// The stack configuration's public face: read and validate a stack's config once, and describe its keys.
export { ConfigError, closestName } from "./messages";
export { parseCostAssumptions, parseStackConfig, unknownKeyProblems, type LakestreamConfig } from "./parse";
export { rawConfigFromPulumi } from "./pulumi";
export { allowedNamespaces, configKeyInfo, documentedConfigKeys, knownTopLevelKeys, type ConfigKeyInfo } from "./keys";
export { defaultStorageAccountName, type CatalogStorageSource } from "./catalog";
export { sparkVersionEndOfSupport, supportedSparkVersions } from "./cluster";
export { maxRetentionHoursByTier } from "./eventHubs";
export { defaultMaxEventsPerTrigger } from "./job";
export type { RunAsConfig } from "./access";
