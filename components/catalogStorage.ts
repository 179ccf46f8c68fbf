// CatalogStorage: the managed storage a Unity Catalog catalog needs when the metastore has none, from the Azure account to the external location.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azureDatabricks from "@pulumi/azure-native/databricks";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";

/** Built-in Azure role "Storage Blob Data Contributor" (Azure built-in roles, Storage): read, write and delete blobs. */
export const storageBlobDataContributorRoleId = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

export interface CatalogStorageArgs {
    /** Azure region of the account and the access connector; the workspace's region, so the metastore's. */
    location: pulumi.Input<string>;
    /** Existing resource group for the storage. Defaults to a new group `<component>-data`, kept with the data. */
    resourceGroupName?: string;
    /** Name of the ADLS Gen2 account: 3-24 lower-case letters and digits, unique in Azure. */
    storageAccountName: string;
    /** Blob container the catalog's managed tables and volumes live in. Defaults to "unity-catalog". */
    containerName?: string;
    /** Name of the Unity Catalog storage credential and external location, unique in the metastore. */
    unityCatalogName: string;
    /** Let `pulumi destroy` delete the external location and credential even when something still uses them. Defaults to false. */
    forceDestroy?: boolean;
    /** Leave every piece (and so the data) in place when the stack is destroyed. Defaults to false. */
    keepOnDestroy?: boolean;
    /**
     * Adopt pieces kept by an earlier deployment of the stack (`import`) instead of creating them; needs the
     * subscription they are in. Defaults to none: create.
     */
    adoptFromSubscription?: string;
    /** Tags for the Azure resources. Defaults to none. */
    tags?: Record<string, string>;
}

/** A stable GUID for a role assignment name, so that a kept assignment can be found and adopted again. */
export function roleAssignmentGuid(seed: string): string {
    const hex = createHash("sha256").update(seed).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class CatalogStorage extends pulumi.ComponentResource {
    /** Resource group holding the account and the connector. */
    public readonly resourceGroupName: pulumi.Output<string>;
    /** Name of the ADLS Gen2 account. */
    public readonly storageAccountName: pulumi.Output<string>;
    /** ARM id of the access connector whose managed identity reads and writes the account. */
    public readonly accessConnectorId: pulumi.Output<string>;
    /** Name of the Unity Catalog external location over the container. */
    public readonly externalLocationName: pulumi.Output<string>;
    /** `abfss://<container>@<account>.dfs.core.windows.net/` URL of the external location, with a trailing slash. */
    public readonly url: pulumi.Output<string>;

    constructor(name: string, args: CatalogStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:catalog:CatalogStorage", name, {}, opts);

        if (!/^[a-z0-9]{3,24}$/.test(args.storageAccountName)) {
            throw new pulumi.ResourceError(
                `storageAccountName must be 3-24 lower-case letters and digits (got "${args.storageAccountName}")`,
                this,
            );
        }
        const containerName = args.containerName ?? "unity-catalog";
        const forceDestroy = args.forceDestroy ?? false;
        const keep = args.keepOnDestroy ?? false;
        if (forceDestroy && keep) {
            throw new pulumi.ResourceError("forceDestroy and keepOnDestroy contradict each other: choose one", this);
        }
        const subscription = args.adoptFromSubscription;
        // Every name is fixed (no random suffix), so that a kept piece has an id the next deployment can import.
        const groupName = args.resourceGroupName ?? `${name}-data`;
        const connectorName = `${name}-uc`;
        const groupId = `/subscriptions/${subscription}/resourceGroups/${groupName}`;
        const accountId = `${groupId}/providers/Microsoft.Storage/storageAccounts/${args.storageAccountName}`;
        const assignmentName = roleAssignmentGuid(`${args.storageAccountName}/${connectorName}/blob-data-contributor`);
        const options = (importId: string): pulumi.CustomResourceOptions => ({
            parent: this,
            retainOnDelete: keep,
            ...(subscription !== undefined ? { import: importId } : {}),
        });

        // A group of its own unless one is given: destroying the stack's other group would delete all it holds.
        const resourceGroupName: pulumi.Input<string> =
            args.resourceGroupName ??
            new resources.ResourceGroup(
                `${name}-rg`,
                { resourceGroupName: groupName, location: args.location, tags: args.tags },
                options(groupId),
            ).name;
        const subscriptionId = subscription ?? authorization.getClientConfigOutput({ parent: this }).subscriptionId;

        const connector = new azureDatabricks.AccessConnector(
            `${name}-connector`,
            {
                connectorName,
                resourceGroupName,
                location: args.location,
                // Unity Catalog reaches the account as this identity; nothing holds a key or a secret.
                identity: { type: "SystemAssigned" },
                tags: args.tags,
            },
            options(`${groupId}/providers/Microsoft.Databricks/accessConnectors/${connectorName}`),
        );

        const account = new storage.StorageAccount(
            `${name}-account`,
            {
                accountName: args.storageAccountName,
                resourceGroupName,
                location: args.location,
                kind: "StorageV2",
                sku: { name: "Standard_LRS" },
                // Hierarchical namespace makes it ADLS Gen2, which Unity Catalog's abfss:// locations need.
                isHnsEnabled: true,
                minimumTlsVersion: "TLS1_2",
                enableHttpsTrafficOnly: true,
                allowBlobPublicAccess: false,
                tags: args.tags,
            },
            options(accountId),
        );

        const container = new storage.BlobContainer(
            `${name}-container`,
            {
                accountName: account.name,
                resourceGroupName,
                containerName,
                publicAccess: "None",
            },
            options(`${accountId}/blobServices/default/containers/${containerName}`),
        );

        const principalId = connector.identity.apply((identity) => {
            if (identity?.principalId === undefined) {
                throw new pulumi.ResourceError("the access connector has no system-assigned identity", connector);
            }
            return identity.principalId;
        });
        const assignment = new authorization.RoleAssignment(
            `${name}-blob-contributor`,
            {
                roleAssignmentName: assignmentName,
                scope: account.id,
                roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${storageBlobDataContributorRoleId}`,
                principalId,
                // Set for a new managed identity, so ARM does not fail while Entra ID replicates it.
                principalType: "ServicePrincipal",
            },
            options(`${accountId}/providers/Microsoft.Authorization/roleAssignments/${assignmentName}`),
        );

        const credential = new databricks.StorageCredential(
            `${name}-credential`,
            {
                name: args.unityCatalogName,
                azureManagedIdentity: { accessConnectorId: connector.id },
                comment: "Managed identity of the lakestream access connector",
                forceDestroy,
            },
            options(args.unityCatalogName),
        );

        const url = pulumi.interpolate`abfss://${container.name}@${account.name}.dfs.core.windows.net/`;
        const location = new databricks.ExternalLocation(
            `${name}-location`,
            {
                name: args.unityCatalogName,
                url,
                credentialName: credential.name,
                comment: "Managed storage of the lakestream catalog",
                forceDestroy,
                // Unity Catalog tries to read and write the container when it creates a location, and an Azure role
                // assignment takes minutes to take effect after ARM accepts it, so a validated create on a first
                // `up` fails on the role just granted. Waiting would need a sleep resource (another provider plugin,
                // and a guess at the delay); instead the location is saved unvalidated and access is checked after
                // the fact by `npm run status`, which asks Unity Catalog to validate it (docs/operations.md).
                skipValidation: true,
            },
            // Granted first all the same: the first use of the location (the job's first write) needs the role.
            { ...options(args.unityCatalogName), dependsOn: [assignment] },
        );

        this.resourceGroupName = pulumi.output(groupName);
        this.storageAccountName = account.name;
        this.accessConnectorId = connector.id;
        this.externalLocationName = location.name;
        this.url = location.url;
        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            storageAccountName: this.storageAccountName,
            accessConnectorId: this.accessConnectorId,
            externalLocationName: this.externalLocationName,
            url: this.url,
        });
    }
}
