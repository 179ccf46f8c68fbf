// Renders a plan for people (a resource tree with key inputs) and for machines (JSON with secrets and unknowns masked).
import * as pulumi from "@pulumi/pulumi";
import type { Plan, PlannedResource } from "./runPlan";

/** What a secret value is printed as. */
export const secretMask = "[secret]";
/** What a value not known until deployment is printed as. */
export const unknownMask = "[unknown]";

/** Converts a wire-form value to plain JSON for display: secrets and unknowns are masked, never revealed. */
export function displayValue(value: unknown): unknown {
    if (value === pulumi.runtime.unknownValue) {
        return unknownMask;
    }
    if (Array.isArray(value)) {
        return value.map(displayValue);
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        const signature = record[pulumi.runtime.specialSigKey];
        if (signature === pulumi.runtime.specialSecretSig) {
            return secretMask;
        }
        if (signature !== undefined) {
            // Resource references, assets and archives: show what they point at.
            return record.urn ?? record.path ?? record.uri ?? record.text ?? "[reference]";
        }
        return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, displayValue(inner)]));
    }
    return value;
}

export interface PlanJson {
    stack: string;
    mode: string;
    resources: { urn: string; type: string; name: string; parent?: string; inputs: Record<string, unknown> }[];
    outputs: Record<string, unknown>;
    warnings: string[];
}

/** The `--json` document of `npm run plan`. */
export function planToJson(plan: Plan): PlanJson {
    return {
        stack: plan.stack,
        mode: plan.mode,
        resources: plan.resources.map((resource) => ({
            urn: resource.urn,
            type: resource.type,
            name: resource.name,
            parent: resource.parent,
            inputs: displayValue(resource.inputs) as Record<string, unknown>,
        })),
        outputs: displayValue(plan.outputs) as Record<string, unknown>,
        warnings: plan.warnings,
    };
}

/** Inputs worth a glance in the tree; everything is in the JSON form. */
const keyInputs: Record<string, string[]> = {
    "azure-native:resources:ResourceGroup": ["location"],
    "azure-native:eventhub:Namespace": ["sku", "minimumTlsVersion", "isAutoInflateEnabled", "maximumThroughputUnits"],
    "azure-native:eventhub:EventHub": ["eventHubName", "partitionCount", "retentionDescription"],
    "azure-native:eventhub:EventHubAuthorizationRule": ["authorizationRuleName", "rights"],
    "azure-native:eventhub:ConsumerGroup": ["consumerGroupName"],
    "azure-native:databricks:Workspace": ["sku", "computeMode"],
    "databricks:index/catalog:Catalog": ["name", "forceDestroy", "storageRoot", "isolationMode"],
    "databricks:index/workspaceBinding:WorkspaceBinding": ["securableType", "securableName", "bindingType"],
    "databricks:index/permissionAssignment:PermissionAssignment": ["servicePrincipalName", "groupName", "permissions"],
    "databricks:index/directory:Directory": ["path"],
    "databricks:index/permissions:Permissions": ["dashboardId", "accessControls"],
    "databricks:index/secretAcl:SecretAcl": ["scope", "principal", "permission"],
    "azure-native:databricks:AccessConnector": ["connectorName", "identity"],
    "azure-native:storage:StorageAccount": [
        "accountName",
        "isHnsEnabled",
        "minimumTlsVersion",
        "allowBlobPublicAccess",
    ],
    "azure-native:storage:BlobContainer": ["containerName"],
    "azure-native:authorization:RoleAssignment": ["roleDefinitionId", "principalId"],
    "databricks:index/storageCredential:StorageCredential": ["name", "azureManagedIdentity"],
    "databricks:index/externalLocation:ExternalLocation": ["name", "url", "credentialName"],
    "databricks:index/schema:Schema": ["name", "forceDestroy"],
    "databricks:index/volume:Volume": ["name", "schemaName", "volumeType"],
    "databricks:index/grants:Grants": ["grants"],
    "databricks:index/cluster:Cluster": [
        "sparkVersion",
        "nodeTypeId",
        "numWorkers",
        "autoscale",
        "autoterminationMinutes",
        "dataSecurityMode",
        "singleUserName",
    ],
    "databricks:index/job:Job": [
        "name",
        "runAs",
        "maxConcurrentRuns",
        "timeoutSeconds",
        "continuous",
        "controlRunState",
        "schedule",
        "emailNotifications",
    ],
    "databricks:index/secretScope:SecretScope": ["name"],
    "databricks:index/secret:Secret": ["scope", "key", "stringValue"],
    "databricks:index/notebook:Notebook": ["path", "source"],
    "databricks:index/workspaceFile:WorkspaceFile": ["path"],
    "databricks:index/sqlEndpoint:SqlEndpoint": [
        "clusterSize",
        "autoStopMins",
        "enableServerlessCompute",
        "warehouseType",
    ],
    "databricks:index/dashboard:Dashboard": ["displayName", "parentPath", "warehouseId", "embedCredentials"],
    "pulumi:providers:databricks": ["host"],
};

function summarize(resource: PlannedResource): string {
    const shown = displayValue(resource.inputs) as Record<string, unknown>;
    const parts = (keyInputs[resource.type] ?? [])
        .filter((key) => shown[key] !== undefined)
        .map((key) => `${key}=${JSON.stringify(shown[key])}`);
    return parts.length > 0 ? `  ${parts.join(" ")}` : "";
}

/** The plan as `pulumi preview` would show it: a tree of resources to create, then the outputs. */
export function formatPlanText(plan: Plan): string {
    const children = new Map<string | undefined, PlannedResource[]>();
    const stackUrn = plan.resources.find((resource) => resource.type === "pulumi:pulumi:Stack")?.urn;
    for (const resource of plan.resources) {
        if (resource.urn === stackUrn) {
            continue;
        }
        const parent = resource.parent ?? stackUrn;
        children.set(parent, [...(children.get(parent) ?? []), resource]);
    }
    const what = plan.mode === "update" ? "resources, all existing" : "resources to create";
    const lines = [
        `Plan for stack ${plan.stack} (offline, mock cloud, ${plan.mode}): ${plan.resources.length} ${what}`,
    ];
    const walk = (parent: string | undefined, indent: string) => {
        for (const resource of children.get(parent) ?? []) {
            const adopt = resource.importId !== undefined ? `  (import ${resource.importId})` : "";
            const kept = resource.retainOnDelete ? "  (kept on destroy)" : "";
            lines.push(`${indent}+ ${resource.type}  ${resource.name}${summarize(resource)}${kept}${adopt}`);
            walk(resource.urn, `${indent}    `);
        }
    };
    lines.push(`+ pulumi:pulumi:Stack  ${plan.project}-${plan.stack}`);
    walk(stackUrn, "    ");
    lines.push("", "Outputs:");
    const outputs = displayValue(plan.outputs) as Record<string, unknown>;
    for (const [name, value] of Object.entries(outputs)) {
        lines.push(`    ${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
    }
    for (const warning of plan.warnings) {
        lines.push(`warning: ${warning}`);
    }
    return lines.join("\n");
}
