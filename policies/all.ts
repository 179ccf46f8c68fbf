// Every policy of the lakestream pack, importable without starting the policy server (index.ts starts it).
import type { PolicyPackArgs } from "@pulumi/policy";
import { azureRequiredTags } from "./cleanup/azureRequiredTags";
import { ephemeralForceDestroy } from "./cleanup/ephemeralForceDestroy";
import { jobNoUnpausedContinuous } from "./cleanup/jobNoUnpausedContinuous";
import { jobSingleConcurrentRun } from "./cleanup/jobSingleConcurrentRun";
import { jobTimeout } from "./cleanup/jobTimeout";
import { catalogManagedLocation } from "./databricks/catalogManagedLocation";
import { clusterAllowedRuntime } from "./databricks/clusterAllowedRuntime";
import { clusterAutoTermination } from "./databricks/clusterAutoTermination";
import { clusterMaxWorkers } from "./databricks/clusterMaxWorkers";
import { clusterRequiredTags } from "./databricks/clusterRequiredTags";
import { clusterRuntimeEndOfSupport } from "./databricks/clusterRuntimeEndOfSupport";
import { clusterSingleUserForEventHubs } from "./databricks/clusterSingleUserForEventHubs";
import { grantsGoldOnly } from "./databricks/grantsGoldOnly";
import { jobCodeNotInShared } from "./databricks/jobCodeNotInShared";
import { jobRunAs } from "./databricks/jobRunAs";
import { powerBiTargetsSqlWarehouse } from "./databricks/powerBiTargetsSqlWarehouse";
import { dashboardNoEmbeddedCredentials } from "./databricks/dashboardNoEmbeddedCredentials";
import { dashboardOnStackWarehouse } from "./databricks/dashboardOnStackWarehouse";
import { continuousJobTaskRetry } from "./databricks/continuousJobTaskRetry";
import { jobFailureNotification } from "./databricks/jobFailureNotification";
import { jobOnJobCompute } from "./databricks/jobOnJobCompute";
import { jobShufflePartitions } from "./databricks/jobShufflePartitions";
import { sqlWarehouseAutoStop } from "./databricks/sqlWarehouseAutoStop";
import { authorizationRuleLeastPrivilege } from "./eventhubs/authorizationRuleLeastPrivilege";
import { hubPartitionCount } from "./eventhubs/hubPartitionCount";
import { hubRetentionWithinTier } from "./eventhubs/hubRetentionWithinTier";
import { namespaceAllowedTier } from "./eventhubs/namespaceAllowedTier";
import { namespaceMinimumTls } from "./eventhubs/namespaceMinimumTls";
import { namespaceThroughputUnits } from "./eventhubs/namespaceThroughputUnits";
import { noConsumerGroupOnBasic } from "./eventhubs/noConsumerGroupOnBasic";
import { noNamespaceAuthorizationRule } from "./eventhubs/noNamespaceAuthorizationRule";
import { noKeyMaterialInPlainText } from "./security/noKeyMaterialInPlainText";
import { secretValueIsSecret } from "./security/secretValueIsSecret";
import { bronzeLagAlert } from "./stack/bronzeLagAlert";
import { destroyable } from "./stack/destroyable";
import { jobClustersAutoTerminate } from "./stack/jobClustersAutoTerminate";
import { monthlyBudget } from "./stack/monthlyBudget";
import { throughputUnitBudget } from "./stack/throughputUnitBudget";
import { keepingInputs } from "./lib/keptInputs";

/** The pack's name as `pulumi preview` prints it; the version comes from policies/package.json. */
export const packName = "lakestream";

/** The policies as written, one per file. */
export const definitions = [
    namespaceAllowedTier,
    namespaceThroughputUnits,
    namespaceMinimumTls,
    hubPartitionCount,
    hubRetentionWithinTier,
    noConsumerGroupOnBasic,
    authorizationRuleLeastPrivilege,
    noNamespaceAuthorizationRule,
    clusterAutoTermination,
    clusterMaxWorkers,
    clusterAllowedRuntime,
    clusterRuntimeEndOfSupport,
    clusterSingleUserForEventHubs,
    clusterRequiredTags,
    sqlWarehouseAutoStop,
    powerBiTargetsSqlWarehouse,
    dashboardOnStackWarehouse,
    dashboardNoEmbeddedCredentials,
    jobRunAs,
    jobCodeNotInShared,
    grantsGoldOnly,
    catalogManagedLocation,
    jobOnJobCompute,
    continuousJobTaskRetry,
    jobFailureNotification,
    jobShufflePartitions,
    jobTimeout,
    jobSingleConcurrentRun,
    jobNoUnpausedContinuous,
    ephemeralForceDestroy,
    azureRequiredTags,
    secretValueIsSecret,
    noKeyMaterialInPlainText,
    throughputUnitBudget,
    jobClustersAutoTerminate,
    bronzeLagAlert,
    destroyable,
    monthlyBudget,
];

/**
 * The policies the pack serves. On a first deploy the engine hands stack policies no outputs for a resource whose
 * provider is not configured yet (a Databricks workspace created in the same stack), so every resource policy keeps
 * the inputs it sees and stack policies read them through `stackPropsOf` (lib/keptInputs.ts).
 */
export const policies = definitions.map(keepingInputs);

export const packArgs: PolicyPackArgs = {
    description:
        "Guardrails for the lakestream pipeline: cost, cleanup, secrets and access on Event Hubs and Databricks.",
    // A policy without its own level would be mandatory: the pack's defaults are the strict dev limits.
    enforcementLevel: "mandatory",
    policies,
};
