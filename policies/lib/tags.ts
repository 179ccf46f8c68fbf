// Required-tags check shared by the policies that make Azure resources and clusters say who owns them.
import type { PolicyConfigSchema } from "@pulumi/policy";
import { isRecord, isUnknown, known } from "./read";

/** The `requiredTags` setting, defaulting to owner and environment. */
export function requiredTagsSchema(description: string): PolicyConfigSchema {
    return {
        properties: {
            requiredTags: {
                type: "array",
                items: { type: "string" },
                default: ["owner", "environment"],
                description,
            },
        },
    };
}

/**
 * The violation message for a tag map that lacks a required tag (or has it empty), or undefined when it has them all
 * or is not known yet (preview). `property` names the input, e.g. `tags` or `customTags`.
 */
export function missingTagsMessage(read: () => unknown, property: string, requiredTags: string[]): string | undefined {
    const tags = known(read);
    if (isUnknown(tags)) {
        return undefined;
    }
    const present = isRecord(tags) ? tags : {};
    const missing = requiredTags.filter((tag) => {
        const value = known(() => present[tag]);
        return !isUnknown(value) && (typeof value !== "string" || value.trim() === "");
    });
    if (missing.length === 0) {
        return undefined;
    }
    return (
        `Found ${property} [${Object.keys(present).join(", ")}], missing ${missing.join(", ")}; ` +
        `required: ${requiredTags.join(", ")}.`
    );
}
