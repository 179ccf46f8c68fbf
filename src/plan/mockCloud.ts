// Realistic stand-ins for what Azure and Databricks return, so the program can be evaluated with no cloud account.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * What the engine knows when it previews the stack. `first-deploy`: nothing exists yet, so a new resource's id and
 * every output that is not one of its inputs are unknown, and a provider configured from such outputs is unknown
 * too. `update`: every resource exists, with the state its provider returned.
 */
export type PlanMode = "first-deploy" | "update";
export const planModes: readonly PlanMode[] = ["first-deploy", "update"];

/** A short stable suffix, like the random one Pulumi's auto-naming appends, derived from the logical name. */
function suffix(seed: string, length = 8): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** Digits derived from a seed, for numeric ids such as workspace and job ids. */
function digits(seed: string, length: number): string {
    const hex = createHash("sha256").update(seed).digest("hex");
    return BigInt(`0x${hex}`).toString().slice(0, length);
}

export const mockSubscriptionId = "00000000-0000-0000-0000-000000000000";
export const mockDeployingUser = "deployer@example.com";
/** Application id the stand-in answers with when the deploying identity is a service principal (CI). */
export const mockDeployingServicePrincipal = "5c1f3e2a-7b4d-4e8f-9a10-b2c3d4e5f607";
export const mockNodeType = "Standard_D4ds_v5";

/** A base64 key of the size Event Hubs uses (32 bytes); it only has to look and behave like key material. */
export function mockSharedAccessKey(seed: string): string {
    return createHash("sha256").update(`key:${seed}`).digest("base64");
}

type State = Record<string, unknown>;

function containsUnknown(value: unknown): boolean {
    if (pulumi.isUnknown(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    return value !== null && typeof value === "object" && Object.values(value).some(containsUnknown);
}

/** A stable GUID from a seed, for principal and tenant ids. */
function guid(seed: string): string {
    const hex = createHash("sha256").update(seed).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The id the engine gives a provider it creates in a preview: its unknown sentinel. The SDK takes any non-empty id as
 * known, so depending on such a provider does not make a look-up through it unknown; the engine then answers the
 * look-up with an empty map, without asking the provider.
 */
export const previewProviderId: string = pulumi.runtime.unknownValue;

/** Whether a provider reference (`<urn>::<id>`) names a provider the engine could not configure in this preview. */
export function isUnconfiguredProvider(providerReference: string | undefined): boolean {
    return providerReference?.endsWith(`::${previewProviderId}`) ?? false;
}

/**
 * Returns the id and output state the engine reports for a resource the program registers. In `first-deploy` a
 * resource to be created has an unknown id (""), and its outputs are its inputs with every computed output unknown,
 * as azure-native previews a create; a provider whose configuration holds unknowns gets the engine's sentinel id, and
 * a resource of such a provider gets no outputs at all, since the engine cannot ask an unconfigured provider to
 * preview it. A resource the program imports, and a provider whose configuration is known, exist.
 */
export function newMockResource(
    stack: string,
    args: pulumi.runtime.MockResourceArgs,
    mode: PlanMode = "update",
): { id: string; state: State } {
    const inputs = args.inputs as State;
    if (mode === "first-deploy" && args.custom !== false) {
        if (isUnconfiguredProvider(args.provider)) {
            // An adopted resource keeps the id it is imported by; the monitor passes "" when there is none.
            return { id: args.id ?? "", state: {} };
        }
        if (!args.id) {
            if (args.type.startsWith("pulumi:providers:")) {
                // The engine configures a provider during preview only when its whole configuration is known.
                return containsUnknown(inputs)
                    ? { id: previewProviderId, state: inputs }
                    : { id: guid(`${stack}/${args.name}`), state: inputs };
            }
            return { id: "", state: previewState(args.type, inputs) };
        }
    }
    const existing = existingResource(stack, args);
    // An imported resource keeps the id it was imported by.
    return args.id ? { ...existing, id: args.id } : existing;
}

/** A resource being created: its inputs, with the outputs the provider computes inside them unknown. */
function previewState(type: string, inputs: State): State {
    if (type === "azure-native:databricks:AccessConnector" && inputs.identity !== undefined) {
        return {
            ...inputs,
            identity: { ...(inputs.identity as State), principalId: pulumi.unknown, tenantId: pulumi.unknown },
        };
    }
    return inputs;
}

/** Refuses what Azure Resource Manager or Unity Catalog refuse for the resources the program declares. */
function refuse(type: string, inputs: State): void {
    const fail = (message: string) => {
        throw new Error(`${type}: ${message}`);
    };
    switch (type) {
        case "azure-native:storage:StorageAccount":
            // AccountNameInvalid: 3-24 characters, lower-case letters and digits only.
            if (!/^[a-z0-9]{3,24}$/.test(String(inputs.accountName))) {
                fail(`AccountNameInvalid: ${String(inputs.accountName)} is not a valid storage account name`);
            }
            break;
        case "azure-native:monitor:ActionGroup":
            // Action groups are global and their short name is at most 12 characters (Action Groups REST API).
            if (inputs.location !== "global") {
                fail(`LocationNotAvailableForResourceType: action groups are global, not ${String(inputs.location)}`);
            }
            if (String(inputs.groupShortName ?? "").length > 12 || String(inputs.groupShortName ?? "") === "") {
                fail(`BadRequest: groupShortName "${String(inputs.groupShortName)}" must be 1 to 12 characters`);
            }
            break;
        case "azure-native:monitor:MetricAlert": {
            // The metric alerts API accepts these windows and frequencies only, a frequency no longer than the
            // window (Microsoft.Insights/metricAlerts, windowSize and evaluationFrequency).
            const windows = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"];
            const window = windows.indexOf(String(inputs.windowSize));
            const frequency = windows.slice(0, 5).indexOf(String(inputs.evaluationFrequency));
            if (window < 0 || frequency < 0 || frequency > window) {
                fail(
                    `BadRequest: windowSize ${String(inputs.windowSize)} with evaluationFrequency ` +
                        `${String(inputs.evaluationFrequency)} is not supported`,
                );
            }
            break;
        }
        case "azure-native:authorization:RoleAssignment":
            // The name of a role assignment must be a GUID (InvalidRoleAssignmentId).
            if (inputs.roleAssignmentName !== undefined && !guidPattern.test(String(inputs.roleAssignmentName))) {
                fail(`InvalidRoleAssignmentId: ${String(inputs.roleAssignmentName)} is not a GUID`);
            }
            if (!guidPattern.test(String(inputs.principalId))) {
                fail(`PrincipalNotFound: principal ${String(inputs.principalId)} does not exist`);
            }
            break;
        case "databricks:index/storageCredential:StorageCredential": {
            const identity = (inputs.azureManagedIdentity ?? {}) as State;
            if (
                !/\/providers\/Microsoft\.Databricks\/accessConnectors\/[^/]+$/i.test(
                    String(identity.accessConnectorId),
                )
            ) {
                fail(
                    "INVALID_PARAMETER_VALUE: azure_managed_identity.access_connector_id must be an access connector id",
                );
            }
            break;
        }
        case "databricks:index/dashboard:Dashboard": {
            // The Lakeview API (POST /api/2.0/lakeview/dashboards, docs.databricks.com/api/workspace/lakeview/create)
            // answers INVALID_PARAMETER_VALUE for a serialized dashboard that is not a JSON object, and a dashboard
            // needs a display name and a warehouse to publish on (the provider publishes every create and update).
            if (String(inputs.displayName ?? "").trim() === "") {
                fail("INVALID_PARAMETER_VALUE: display_name is required");
            }
            if (String(inputs.warehouseId ?? "") === "") {
                fail("INVALID_PARAMETER_VALUE: a dashboard is published on a warehouse: warehouse_id is required");
            }
            let parsed: unknown;
            try {
                parsed = JSON.parse(String(inputs.serializedDashboard));
            } catch {
                parsed = undefined;
            }
            if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
                fail("INVALID_PARAMETER_VALUE: serialized_dashboard is not a JSON object");
            }
            break;
        }
        case "databricks:index/permissions:Permissions": {
            // The provider refuses to give the calling user a level it could not set for itself, lest the deployer
            // lock itself out: only CAN_MANAGE (and IS_OWNER where the object has one) is settable for the current
            // user on the objects this program sets (terraform-provider-databricks, permissions resource: "it is not
            // possible to decrease administrative permissions for the current user"). The mock workspace's deploying
            // user is mockDeployingUser.
            const controls = Array.isArray(inputs.accessControls) ? (inputs.accessControls as State[]) : [];
            for (const control of controls) {
                const level = String(control.permissionLevel);
                if (control.userName === mockDeployingUser && level !== "CAN_MANAGE" && level !== "IS_OWNER") {
                    fail(
                        `it is not possible to decrease administrative permissions for the current user: ${mockDeployingUser}`,
                    );
                }
            }
            break;
        }
        case "databricks:index/externalLocation:ExternalLocation":
            if (!/^abfss:\/\/[^@/]+@[^/]+\.dfs\.core\.windows\.net\//.test(String(inputs.url))) {
                fail(`INVALID_PARAMETER_VALUE: ${String(inputs.url)} is not an abfss:// URL of an ADLS Gen2 account`);
            }
            break;
    }
}

function existingResource(stack: string, args: pulumi.runtime.MockResourceArgs): { id: string; state: State } {
    const inputs = args.inputs as State;
    refuse(args.type, inputs);
    const autoName = (explicit: unknown) =>
        typeof explicit === "string" ? explicit : `${args.name}${suffix(`${stack}/${args.name}`)}`;
    const rg = (inputs.resourceGroupName as string | undefined) ?? "rg";
    const azureId = (provider: string, kind: string, name: string) =>
        `/subscriptions/${mockSubscriptionId}/resourceGroups/${rg}/providers/${provider}/${kind}/${name}`;

    switch (args.type) {
        case "azure-native:resources:ResourceGroup": {
            const name = autoName(inputs.resourceGroupName);
            return {
                id: `/subscriptions/${mockSubscriptionId}/resourceGroups/${name}`,
                state: { ...inputs, name },
            };
        }
        case "azure-native:eventhub:Namespace": {
            const name = autoName(inputs.namespaceName);
            return {
                id: azureId("Microsoft.EventHub", "namespaces", name),
                state: {
                    ...inputs,
                    name,
                    serviceBusEndpoint: `https://${name}.servicebus.windows.net:443/`,
                    status: "Active",
                },
            };
        }
        case "azure-native:eventhub:EventHub": {
            const name = autoName(inputs.eventHubName);
            return { id: azureId("Microsoft.EventHub", "namespaces/ns/eventhubs", name), state: { ...inputs, name } };
        }
        case "azure-native:eventhub:EventHubAuthorizationRule": {
            const name = autoName(inputs.authorizationRuleName);
            return {
                id: azureId("Microsoft.EventHub", "namespaces/ns/eventhubs/hub/authorizationRules", name),
                state: { ...inputs, name },
            };
        }
        case "azure-native:eventhub:ConsumerGroup": {
            const name = autoName(inputs.consumerGroupName);
            return {
                id: azureId("Microsoft.EventHub", "namespaces/ns/eventhubs/hub/consumergroups", name),
                state: { ...inputs, name },
            };
        }
        case "azure-native:monitor:ActionGroup": {
            const name = autoName(inputs.actionGroupName);
            return { id: azureId("Microsoft.Insights", "actionGroups", name), state: { ...inputs, name } };
        }
        case "azure-native:monitor:MetricAlert": {
            const name = autoName(inputs.ruleName);
            return {
                id: azureId("Microsoft.Insights", "metricAlerts", name),
                state: { ...inputs, name, isMigrated: false },
            };
        }
        case "azure-native:databricks:Workspace": {
            const name = autoName(inputs.workspaceName);
            const workspaceId = digits(`${stack}/${args.name}`, 16);
            return {
                id: azureId("Microsoft.Databricks", "workspaces", name),
                state: { ...inputs, name, workspaceId, workspaceUrl: `adb-${workspaceId}.7.azuredatabricks.net` },
            };
        }
        case "azure-native:databricks:AccessConnector": {
            const name = autoName(inputs.connectorName);
            return {
                id: azureId("Microsoft.Databricks", "accessConnectors", name),
                state: {
                    ...inputs,
                    name,
                    identity: {
                        ...((inputs.identity as State | undefined) ?? {}),
                        principalId: guid(`principal/${stack}/${args.name}`),
                        tenantId: "33333333-3333-3333-3333-333333333333",
                    },
                },
            };
        }
        case "azure-native:storage:StorageAccount": {
            const name = autoName(inputs.accountName);
            return {
                id: azureId("Microsoft.Storage", "storageAccounts", name),
                state: { ...inputs, name, primaryEndpoints: { dfs: `https://${name}.dfs.core.windows.net/` } },
            };
        }
        case "azure-native:storage:BlobContainer": {
            const name = autoName(inputs.containerName);
            return {
                id: azureId(
                    "Microsoft.Storage",
                    `storageAccounts/${String(inputs.accountName)}/blobServices/default/containers`,
                    name,
                ),
                state: { ...inputs, name },
            };
        }
        case "azure-native:authorization:RoleAssignment": {
            const name = typeof inputs.roleAssignmentName === "string" ? inputs.roleAssignmentName : guid(args.name);
            return {
                id: `${String(inputs.scope)}/providers/Microsoft.Authorization/roleAssignments/${name}`,
                state: { ...inputs, name },
            };
        }
        case "databricks:index/storageCredential:StorageCredential":
        case "databricks:index/externalLocation:ExternalLocation":
            return { id: String(inputs.name), state: { ...inputs } };
        case "databricks:index/cluster:Cluster":
            return {
                id: `1125-${digits(`${stack}/${args.name}`, 6)}-${suffix(`${stack}/${args.name}`)}`,
                state: { ...inputs, state: "RUNNING", defaultTags: { Vendor: "Databricks" } },
            };
        case "databricks:index/job:Job": {
            const id = digits(`${stack}/${args.name}`, 15);
            return { id, state: { ...inputs, url: `/jobs/${id}` } };
        }
        case "databricks:index/sqlEndpoint:SqlEndpoint":
            return { id: suffix(`${stack}/${args.name}`, 16), state: { ...inputs } };
        case "databricks:index/catalog:Catalog":
            return { id: String(inputs.name), state: { ...inputs } };
        case "databricks:index/schema:Schema":
            return { id: `${String(inputs.catalogName)}.${String(inputs.name)}`, state: { ...inputs } };
        case "databricks:index/volume:Volume":
            return {
                id: `${String(inputs.catalogName)}.${String(inputs.schemaName)}.${String(inputs.name)}`,
                state: {
                    ...inputs,
                    volumePath: `/Volumes/${String(inputs.catalogName)}/${String(inputs.schemaName)}/${String(inputs.name)}`,
                },
            };
        case "databricks:index/secretScope:SecretScope":
            return { id: String(inputs.name), state: { ...inputs, backendType: "DATABRICKS" } };
        case "databricks:index/notebook:Notebook":
        case "databricks:index/workspaceFile:WorkspaceFile":
            return { id: String(inputs.path), state: { ...inputs, objectId: Number(digits(String(inputs.path), 9)) } };
        case "databricks:index/directory:Directory": {
            const objectId = Number(digits(String(inputs.path), 9));
            return {
                id: String(inputs.path),
                state: { ...inputs, objectId, workspacePath: `/Workspace${String(inputs.path)}` },
            };
        }
        case "databricks:index/permissions:Permissions": {
            // The provider's id is /<object type>/<object id>.
            const [kind, target] = inputs.directoryPath
                ? ["directories", digits(String(inputs.directoryPath), 9)]
                : inputs.clusterId
                  ? ["clusters", inputs.clusterId]
                  : inputs.sqlEndpointId
                    ? ["sql/warehouses", inputs.sqlEndpointId]
                    : inputs.dashboardId
                      ? ["dashboards", inputs.dashboardId]
                      : ["objects", args.name];
            return { id: `/${kind}/${String(target)}`, state: { ...inputs, objectType: kind } };
        }
        case "databricks:index/dashboard:Dashboard": {
            // Lakeview ids are 32 hex digits; the dashboard is saved as <parent>/<display name>.lvdash.json.
            const id = suffix(`${stack}/${args.name}`, 32);
            const text = String(inputs.serializedDashboard ?? "");
            return {
                id,
                state: {
                    ...inputs,
                    dashboardId: id,
                    path: `${String(inputs.parentPath)}/${String(inputs.displayName)}.lvdash.json`,
                    md5: createHash("md5").update(text).digest("hex"),
                    lifecycleState: "ACTIVE",
                    createTime: "2026-01-01T00:00:00.000Z",
                    updateTime: "2026-01-01T00:00:00.000Z",
                    etag: digits(`etag/${id}`, 9),
                },
            };
        }
        case "databricks:index/secretAcl:SecretAcl":
            return { id: `${String(inputs.scope)}|||${String(inputs.principal)}`, state: { ...inputs } };
        case "databricks:index/grants:Grants":
            return { id: `${args.name}-grants`, state: { ...inputs } };
        case "databricks:index/workspaceBinding:WorkspaceBinding":
            return {
                id: `${String(inputs.workspaceId)}|${String(inputs.securableType)}|${String(inputs.securableName)}`,
                state: { ...inputs },
            };
        case "databricks:index/permissionAssignment:PermissionAssignment":
            return {
                id: digits(`${stack}/${args.name}`, 16),
                state: { ...inputs, principalId: Number(digits(`principal/${args.name}`, 15)) },
            };
        default:
            return { id: `${args.name}-id`, state: { ...inputs } };
    }
}

/** Who the stand-in workspace says is deploying, and which groups it can see. */
export interface MockWorkspaceOptions {
    /** The deploying identity: a user (the default) or a service principal, as CI deploys. */
    deployer?: "user" | "servicePrincipal";
    /**
     * Groups visible to the workspace. Undefined: every group asked for is (the offline plan assumes the documented
     * prerequisite is met, since it cannot see a real account).
     */
    visibleGroups?: string[];
    /**
     * Whether the workspace has a Unity Catalog metastore. Defaults to "assigned" (the documented prerequisite);
     * "none" models a workspace of an account without automatic enablement that no one has assigned one to.
     */
    metastore?: "assigned" | "none";
}

/** Returns what a data source or invoke answers; an invoke the program starts to use must be added here. */
export function mockCall(
    stack: string,
    args: pulumi.runtime.MockCallArgs,
    options: MockWorkspaceOptions = {},
): Record<string, unknown> {
    // Through a provider the engine could not configure (its configuration is unknown in a first preview), the
    // engine answers an empty result, without asking the provider.
    if (isUnconfiguredProvider(args.provider)) {
        return {};
    }
    const inputs = args.inputs as Record<string, string>;
    switch (args.token) {
        case "azure-native:eventhub:listEventHubKeys": {
            const seed = `${stack}/${inputs.namespaceName}/${inputs.eventHubName}/${inputs.authorizationRuleName}`;
            const connectionString = (key: string) =>
                `Endpoint=sb://${inputs.namespaceName}.servicebus.windows.net/;SharedAccessKeyName=${inputs.authorizationRuleName};` +
                `SharedAccessKey=${key};EntityPath=${inputs.eventHubName}`;
            const primaryKey = mockSharedAccessKey(`${seed}/primary`);
            const secondaryKey = mockSharedAccessKey(`${seed}/secondary`);
            return {
                keyName: inputs.authorizationRuleName,
                primaryKey,
                secondaryKey,
                primaryConnectionString: connectionString(primaryKey),
                secondaryConnectionString: connectionString(secondaryKey),
            };
        }
        case "azure-native:authorization:getClientConfig":
            return {
                clientId: "11111111-1111-1111-1111-111111111111",
                objectId: "22222222-2222-2222-2222-222222222222",
                subscriptionId: mockSubscriptionId,
                tenantId: "33333333-3333-3333-3333-333333333333",
            };
        case "databricks:index/getNodeType:getNodeType":
            return { id: mockNodeType };
        case "databricks:index/getCurrentUser:getCurrentUser":
            // A service principal's user name is its application id; aclPrincipalId says which kind it is.
            return options.deployer === "servicePrincipal"
                ? {
                      id: "4343434343434343",
                      userName: mockDeployingServicePrincipal,
                      aclPrincipalId: `servicePrincipals/${mockDeployingServicePrincipal}`,
                      home: `/Users/${mockDeployingServicePrincipal}`,
                      alphanumeric: mockDeployingServicePrincipal.replace(/-/g, "_"),
                  }
                : {
                      id: "4242424242424242",
                      userName: mockDeployingUser,
                      aclPrincipalId: `users/${mockDeployingUser}`,
                      home: `/Users/${mockDeployingUser}`,
                      alphanumeric: "deployer_example_com",
                  };
        case "databricks:index/getGroup:getGroup": {
            // The provider filters the workspace's SCIM groups by displayName and fails with exactly this text when
            // none matches (terraform-provider-databricks scim GroupsAPI.ReadByDisplayName).
            const wanted = String(inputs.displayName);
            if (options.visibleGroups !== undefined && !options.visibleGroups.includes(wanted)) {
                // Shaped as the gRPC error the engine returns: the SDK reads the reason from `details`.
                const reason = `cannot find group: ${wanted}`;
                throw Object.assign(new Error(reason), { details: reason });
            }
            return {
                id: digits(`group/${wanted}`, 15),
                displayName: wanted,
                aclPrincipalId: `groups/${wanted}`,
                externalId: "",
                members: [],
                users: [],
                servicePrincipals: [],
                childGroups: [],
                groups: [],
                instanceProfiles: [],
                recursive: true,
            };
        }
        case "databricks:index/getCurrentMetastore:getCurrentMetastore": {
            // The provider reads GET /api/2.1/unity-catalog/metastore_summary; when the API answers "No metastore
            // assigned for the current workspace" it returns the id "no_metastore" and no metastoreInfo
            // (terraform-provider-databricks catalog/data_current_metastore.go). Otherwise the id is the metastore's.
            if (options.metastore === "none") {
                return { id: "no_metastore" };
            }
            const metastoreId = guid(`metastore/${stack}`);
            return {
                id: metastoreId,
                metastoreInfo: {
                    metastoreId,
                    name: `metastore-${suffix(stack, 6)}`,
                    cloud: "azure",
                    owner: "System user",
                    privilegeModelVersion: "1.0",
                },
            };
        }
        case "databricks:index/getExternalLocation:getExternalLocation":
            // The plan cannot see the metastore: it answers as if the named location existed, over a stand-in account.
            return {
                id: inputs.name,
                name: inputs.name,
                externalLocationInfo: {
                    name: inputs.name,
                    url: `abfss://unity-catalog@existing${suffix(inputs.name, 10)}.dfs.core.windows.net/`,
                    credentialName: `${inputs.name}_credential`,
                },
            };
        default:
            throw new Error(
                `the offline plan has no stand-in for the invoke ${args.token}; add one to src/plan/mockCloud.ts`,
            );
    }
}
