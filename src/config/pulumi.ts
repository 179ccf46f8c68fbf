// Reads the `lakestream` configuration out of the flat config map Pulumi hands a program.
import { projectNamespace } from "./fields";
import { allowedNamespaces } from "./keys";

/**
 * Collects the raw configuration of the `lakestream` namespace from a flat Pulumi config map
 * (`lakestream:eventHubs` → JSON text) as `pulumi.runtime.allConfig()` returns it, parsing object values. Keys of
 * the provider and Pulumi namespaces are left to their readers (but `azure-native:location`, which the program
 * uses); a key of any other namespace is kept under its full name, so that validation reports it.
 */
export function rawConfigFromPulumi(all: Record<string, string>): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(all)) {
        const [namespace, key] = splitKey(fullKey);
        if (namespace === "azure-native" && (key === "location" || key === "subscriptionId")) {
            raw[fullKey] = text;
        } else if (namespace === projectNamespace) {
            raw[key] = parseValue(text);
        } else if (!(allowedNamespaces as readonly string[]).includes(namespace)) {
            raw[fullKey] = parseValue(text);
        }
    }
    return raw;
}

function splitKey(fullKey: string): [string, string] {
    const index = fullKey.indexOf(":");
    return index < 0 ? ["", fullKey] : [fullKey.slice(0, index), fullKey.slice(index + 1)];
}

/** Pulumi hands every config value over as text; objects, numbers and booleans arrive as JSON. */
function parseValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
