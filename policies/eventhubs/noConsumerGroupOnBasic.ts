// Stops consumer groups from being declared on Basic namespaces, where creating them fails at deploy time.
import type { StackValidationPolicy } from "@pulumi/policy";
import { namespaceOf, tierOf } from "../lib/resources";
import { PreviewGaps } from "../lib/read";
import { ResourceTypes } from "../lib/types";

export const noConsumerGroupOnBasic: StackValidationPolicy = {
    name: "eventhubs-no-consumer-group-on-basic",
    description: "Consumer groups are declared only on namespaces above the Basic tier.",
    configSchema: { properties: {} },
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const gaps = new PreviewGaps();
        for (const group of args.resources.filter((resource) => resource.type === ResourceTypes.consumerGroup)) {
            const namespace = namespaceOf(group, args.resources, args);
            const tier = namespace ? tierOf(namespace, args) : undefined;
            if (namespace && tier === undefined) {
                gaps.add(`the tier of namespace ${namespace.name} (consumer group ${group.name})`);
            }
            if (namespace && tier === "Basic") {
                reportViolation(
                    `Found a consumer group on the Basic namespace ${namespace.name}; Basic allows only the implicit ` +
                        `$Default group, so use Standard or read from $Default.`,
                    group.urn,
                );
            }
        }
        gaps.throwIfAny();
    },
};
