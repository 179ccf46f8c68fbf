// Every policy of the lakestream pack, importable without starting the policy server (index.ts starts it).
import type { PolicyPackArgs } from "@pulumi/policy";
import { authorizationRuleLeastPrivilege } from "./eventhubs/authorizationRuleLeastPrivilege";
import { hubPartitionCount } from "./eventhubs/hubPartitionCount";
import { hubRetentionWithinTier } from "./eventhubs/hubRetentionWithinTier";
import { namespaceAllowedTier } from "./eventhubs/namespaceAllowedTier";
import { namespaceMinimumTls } from "./eventhubs/namespaceMinimumTls";
import { namespaceThroughputUnits } from "./eventhubs/namespaceThroughputUnits";
import { noConsumerGroupOnBasic } from "./eventhubs/noConsumerGroupOnBasic";
import { noNamespaceAuthorizationRule } from "./eventhubs/noNamespaceAuthorizationRule";

/** The pack's name as `pulumi preview` prints it; the version comes from policies/package.json. */
export const packName = "lakestream";

export const policies = [
    namespaceAllowedTier,
    namespaceThroughputUnits,
    namespaceMinimumTls,
    hubPartitionCount,
    hubRetentionWithinTier,
    noConsumerGroupOnBasic,
    authorizationRuleLeastPrivilege,
    noNamespaceAuthorizationRule,
];

export const packArgs: PolicyPackArgs = {
    description: "Guardrails for the lakestream pipeline: cost, cleanup and secrets on Event Hubs and Databricks.",
    // A policy without its own level would be mandatory: the pack's defaults are the strict dev limits.
    enforcementLevel: "mandatory",
    policies,
};
