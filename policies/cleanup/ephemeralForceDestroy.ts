// In ephemeral stacks, lets `pulumi destroy` remove catalogs and schemas even when they still hold tables.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { ephemeralProperty, settingsOf } from "../lib/config";
import { asBoolean, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";
import { stackOfUrn } from "../lib/urn";

const configSchema: PolicyConfigSchema = { properties: { ephemeral: ephemeralProperty } };

export const ephemeralForceDestroy: ResourceValidationPolicy = {
    name: "cleanup-ephemeral-force-destroy",
    description: "In ephemeral stacks, Unity Catalog catalogs and schemas set forceDestroy.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.catalog && args.type !== ResourceTypes.schema) {
            return;
        }
        const { ephemeral } = settingsOf<{ ephemeral: boolean }>(args, configSchema);
        if (!ephemeral) {
            return;
        }
        const force = known(() => asBoolean(args.props.forceDestroy));
        if (!isUnknown(force) && force !== true) {
            const kind = args.type === ResourceTypes.catalog ? "catalog" : "schema";
            reportViolation(
                `Found a ${kind} with forceDestroy ${force ?? "unset"} in ephemeral stack ` +
                    `"${stackOfUrn(args.urn)}"; forceDestroy must be true so destroy removes it with its tables.`,
            );
        }
    },
};
