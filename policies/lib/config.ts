// Reads a policy's settings: the config the engine sends, over the defaults declared in the policy's own schema.
import type { PolicyConfigSchema } from "@pulumi/policy";

/**
 * The engine fills schema defaults in before it configures the pack, but a pack run by a tool that does not (or an
 * older CLI) would hand the policy `{}`; taking the defaults from the schema keeps one source for every default.
 */
export function settingsOf<T extends object>(
    args: { getConfig<C extends object>(): C },
    schema: PolicyConfigSchema,
): T {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties)) {
        if (property.default !== undefined) {
            defaults[key] = property.default;
        }
    }
    return { ...defaults, ...args.getConfig<Partial<T>>() } as T;
}

/** The `ephemeral` setting several cleanup rules share: a stack that must leave nothing behind on destroy. */
export const ephemeralProperty = {
    type: "boolean",
    default: true,
    description: "The stack is short-lived: `pulumi destroy` must remove everything it created.",
} as const;
