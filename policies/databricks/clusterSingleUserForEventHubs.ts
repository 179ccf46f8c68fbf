// Requires single-user access mode on clusters and job clusters that load the Event Hubs connector (shared mode blocks it).
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { stackPropsOf } from "../lib/keptInputs";
import { asString, elementsOf, isRecord, isUnknown, known, PreviewGaps, Unknown, type MaybeUnknown } from "../lib/read";
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

/** Whether a library list loads the connector; Unknown when the list, or an entry's coordinates, is unknown. */
function loadsConnector(libraries: () => unknown, prefix: string): MaybeUnknown<boolean> {
    const entries = elementsOf(libraries);
    if (isUnknown(entries)) {
        return Unknown;
    }
    let unknown = false;
    for (const entry of entries) {
        if (isUnknown(entry)) {
            unknown = true;
            continue;
        }
        if (!isRecord(entry)) {
            continue;
        }
        const coordinates = known(() => (isRecord(entry.maven) ? asString(entry.maven.coordinates) : undefined));
        if (isUnknown(coordinates)) {
            unknown = true;
        } else if (typeof coordinates === "string" && coordinates.startsWith(prefix)) {
            return true;
        }
    }
    return unknown ? Unknown : false;
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
        const gaps = new PreviewGaps();
        /** The resource's properties, noting a resource the stack policies cannot see at all. */
        const propsOf = (resource: PolicyResource, what: string) => {
            const { props, source } = stackPropsOf(resource, args);
            if (source === "none") {
                gaps.add(`${what} ${resource.name} (no outputs and no inputs seen)`);
            }
            return props;
        };
        const clusters = args.resources.filter((resource) => resource.type === ResourceTypes.cluster);
        const needing = new Map<string, { cluster: PolicyResource; props: Record<string, unknown> }>();
        const need = (cluster: PolicyResource) =>
            needing.set(cluster.urn, { cluster, props: propsOf(cluster, "cluster") });
        for (const cluster of clusters) {
            const props = propsOf(cluster, "cluster");
            const loads = loadsConnector(() => props.libraries, settings.connectorCoordinates);
            if (isUnknown(loads)) {
                gaps.add(`whether cluster ${cluster.name} loads the connector (its libraries)`);
            } else if (loads) {
                need(cluster);
            }
        }
        // A databricks.Library installs onto the cluster it depends on (its clusterId is that cluster's id).
        for (const library of args.resources.filter((resource) => resource.type === ResourceTypes.library)) {
            const props = propsOf(library, "library");
            const loads = loadsConnector(() => [props], settings.connectorCoordinates);
            if (isUnknown(loads)) {
                gaps.add(`whether library ${library.name} is the connector`);
                continue;
            }
            if (!loads) {
                continue;
            }
            const targets = library.dependencies.filter((dependency) => dependency.type === ResourceTypes.cluster);
            for (const target of targets.length > 0 ? targets : clusters) {
                need(target);
            }
        }
        // A job task that loads the connector installs it on the job cluster it runs on (jobClusterKey or newCluster).
        const specs: { where: string; urn: string; props: Record<string, unknown> }[] = [];
        for (const job of args.resources.filter((resource) => resource.type === ResourceTypes.job)) {
            const props = propsOf(job, "job");
            const shared = elementsOf(() => props.jobClusters);
            const tasks = elementsOf(() => props.tasks);
            if (isUnknown(tasks)) {
                gaps.add(`the tasks of job ${job.name}`);
                continue;
            }
            tasks.forEach((task, index) => {
                if (isUnknown(task)) {
                    gaps.add(`job ${job.name} tasks[${index}]`);
                    return;
                }
                if (!isRecord(task)) {
                    return;
                }
                const loads = loadsConnector(() => task.libraries, settings.connectorCoordinates);
                if (isUnknown(loads)) {
                    gaps.add(`whether job ${job.name} tasks[${index}] loads the connector (its libraries)`);
                    return;
                }
                if (!loads) {
                    return;
                }
                const inline = known(() => task.newCluster);
                if (isUnknown(inline)) {
                    gaps.add(`job ${job.name} tasks[${index}].newCluster`);
                } else if (isRecord(inline)) {
                    specs.push({ where: `tasks[${index}].newCluster`, urn: job.urn, props: inline });
                }
                const key = known(() => asString(task.jobClusterKey));
                if (isUnknown(key) || (typeof key === "string" && isUnknown(shared))) {
                    gaps.add(`the job cluster of job ${job.name} tasks[${index}]`);
                } else if (typeof key === "string" && !isUnknown(shared)) {
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
            ...[...needing.values()].map(({ cluster, props }) => ({
                where: "a cluster",
                name: `cluster ${cluster.name}`,
                urn: cluster.urn,
                props,
            })),
            ...specs.map((spec) => ({
                ...spec,
                where: `job cluster ${spec.where}`,
                name: `job cluster ${spec.where}`,
            })),
        ];
        for (const cluster of checked) {
            const mode = known(() => asString(cluster.props.dataSecurityMode));
            const user = known(() => asString(cluster.props.singleUserName));
            if (isUnknown(mode)) {
                gaps.add(`dataSecurityMode of ${cluster.name}`);
                continue;
            }
            if (mode === undefined || !settings.allowedAccessModes.includes(mode)) {
                const found = mode === undefined ? "no dataSecurityMode" : `dataSecurityMode "${mode}"`;
                reportViolation(
                    `Found ${cluster.where} loading ${settings.connectorCoordinates} with ${found}; allowed: ` +
                        `${settings.allowedAccessModes.join(", ")} (standard/shared mode blocks EventHubsUtils.encrypt).`,
                    cluster.urn,
                );
            } else if (isUnknown(user)) {
                // The deployer's name on a first deploy: known once the workspace exists.
                gaps.add(`singleUserName of ${cluster.name}`);
            } else if (user === undefined || user.trim() === "") {
                reportViolation(
                    `Found dataSecurityMode "${mode}" on ${cluster.where} without singleUserName; name the user it runs as.`,
                    cluster.urn,
                );
            }
        }
        gaps.throwIfAny();
    },
};
