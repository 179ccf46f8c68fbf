// Realistic stand-ins for what Azure and Databricks return, so the program can be evaluated with no cloud account.
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

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
export const mockNodeType = "Standard_D4ds_v5";

/** A base64 key of the size Event Hubs uses (32 bytes); it only has to look and behave like key material. */
export function mockSharedAccessKey(seed: string): string {
    return createHash("sha256").update(`key:${seed}`).digest("base64");
}

type State = Record<string, unknown>;

/** Returns the id and output state the cloud would return for a newly created resource. */
export function newMockResource(stack: string, args: pulumi.runtime.MockResourceArgs): { id: string; state: State } {
    const inputs = args.inputs as State;
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
        case "azure-native:databricks:Workspace": {
            const name = autoName(inputs.workspaceName);
            const workspaceId = digits(`${stack}/${args.name}`, 16);
            return {
                id: azureId("Microsoft.Databricks", "workspaces", name),
                state: { ...inputs, name, workspaceId, workspaceUrl: `adb-${workspaceId}.7.azuredatabricks.net` },
            };
        }
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
        default:
            return { id: `${args.name}-id`, state: { ...inputs } };
    }
}

/** Returns what a data source or invoke answers; an invoke the program starts to use must be added here. */
export function mockCall(stack: string, args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
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
            return {
                id: "4242424242424242",
                userName: mockDeployingUser,
                home: `/Users/${mockDeployingUser}`,
                alphanumeric: "deployer_example_com",
            };
        default:
            throw new Error(
                `the offline plan has no stand-in for the invoke ${args.token}; add one to src/plan/mockCloud.ts`,
            );
    }
}
