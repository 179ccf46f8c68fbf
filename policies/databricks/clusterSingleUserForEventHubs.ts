// Requires single-user access mode on clusters and job clusters that load the Event Hubs connector (shared mode blocks it).
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asString, elementsOf, isRecord, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        connectorCoordinates: {
            type: "string",
            default: "com.microsoft.azure:azure-eventhubs-spark_2.12",
            description: "Maven group:artifact of the connector that needs single-user access mode.",
        },
        allowedAccessModes: {
            type: "array",
            items: { type: "string" },
            minItems: 1,
            default: ["SINGLE_USER"],
            description: "data_security_mode values accepted on a cluster that loads the connector.",
        },
    },
};

interface Settings {
    connectorCoordinates: string;
    allowedAccessModes: string[];
}

function loadsConnector(libraries: () => unknown, prefix: string): boolean {
    const entries = elementsOf(libraries);
    if (isUnknown(entries)) {
        return false;
    }
    return entries.some((entry) => {
        if (!isRecord(entry)) {
            return false;
        }
        const coordinates = known(() => (isRecord(entry.maven) ? asString(entry.maven.coordinates) : undefined));
        return typeof coordinates === "string" && coordinates.startsWith(prefix);
    });
}

export const clusterSingleUserForEventHubs: StackValidationPolicy = {
    name: "databricks-cluster-single-user-for-eventhubs",
    description:
        "Clusters and job clusters that load the Event Hubs connector run in single-user access mode with a named user.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const settings = settingsOf<Settings>(args, configSchema);
        const clusters = args.resources.filter((resource) => resource.type === ResourceTypes.cluster);
        const needing = new Map<string, PolicyResource>();
        for (const cluster of clusters) {
            if (loadsConnector(() => cluster.props.libraries, settings.connectorCoordinates)) {
                needing.set(cluster.urn, cluster);
            }
        }
        // A databricks.Library installs onto the cluster it depends on (its clusterId is that cluster's id).
        for (const library of args.resources.filter((resource) => resource.type === ResourceTypes.library)) {
            if (!loadsConnector(() => [library.props], settings.connectorCoordinates)) {
                continue;
            }
            const targets = library.dependencies.filter((dependency) => dependency.type === ResourceTypes.cluster);
            for (const target of targets.length > 0 ? targets : clusters) {
                needing.set(target.urn, target);
            }
        }
        // A job task that loads the connector installs it on the job cluster it runs on (jobClusterKey or newCluster).
        const specs: { where: string; urn: string; props: Record<string, unknown> }[] = [];
        for (const job of args.resources.filter((resource) => resource.type === ResourceTypes.job)) {
            const shared = elementsOf(() => job.props.jobClusters);
            const tasks = elementsOf(() => job.props.tasks);
            if (isUnknown(tasks)) {
                continue;
            }
            tasks.forEach((task, index) => {
                if (!isRecord(task) || !loadsConnector(() => task.libraries, settings.connectorCoordinates)) {
                    return;
                }
                const inline = known(() => task.newCluster);
                if (isRecord(inline)) {
                    specs.push({ where: `tasks[${index}].newCluster`, urn: job.urn, props: inline });
                }
                const key = known(() => asString(task.jobClusterKey));
                if (typeof key === "string" && !isUnknown(shared)) {
                    shared.forEach((entry, position) => {
                        const spec = isRecord(entry) ? known(() => entry.newCluster) : undefined;
                        if (isRecord(entry) && known(() => entry.jobClusterKey) === key && isRecord(spec)) {
                            specs.push({ where: `jobClusters[${position}].newCluster`, urn: job.urn, props: spec });
                        }
                    });
                }
            });
        }
        const checked = [
            ...[...needing.values()].map((cluster) => ({ where: "a cluster", urn: cluster.urn, props: cluster.props })),
            ...specs.map((spec) => ({ ...spec, where: `job cluster ${spec.where}` })),
        ];
        for (const cluster of checked) {
            const mode = known(() => asString(cluster.props.dataSecurityMode));
            const user = known(() => asString(cluster.props.singleUserName));
            if (isUnknown(mode)) {
                continue;
            }
            if (mode === undefined || !settings.allowedAccessModes.includes(mode)) {
                const found = mode === undefined ? "no dataSecurityMode" : `dataSecurityMode "${mode}"`;
                reportViolation(
                    `Found ${cluster.where} loading ${settings.connectorCoordinates} with ${found}; allowed: ` +
                        `${settings.allowedAccessModes.join(", ")} (standard/shared mode blocks EventHubsUtils.encrypt).`,
                    cluster.urn,
                );
            } else if (!isUnknown(user) && (user === undefined || user.trim() === "")) {
                reportViolation(
                    `Found dataSecurityMode "${mode}" on ${cluster.where} without singleUserName; name the user it runs as.`,
                    cluster.urn,
                );
            }
        }
    },
};
