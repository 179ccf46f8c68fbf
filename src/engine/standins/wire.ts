// Property values as the engine sends them to a provider: secrets wrapped with a signature, unknowns as a sentinel.

/** The value the engine sends for anything not known until the update runs. */
export const wireUnknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const signatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

export type WireObject = Record<string, unknown>;

export function isRecord(value: unknown): value is WireObject {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isWireSecret(value: unknown): value is { value: unknown } {
    return isRecord(value) && value[signatureKey] === secretSignature;
}

export function wireSecret(value: unknown): WireObject {
    return { [signatureKey]: secretSignature, value };
}

/** The value with every secret unwrapped, for code that computes from it (names, ids). */
export function unwrapSecrets(value: unknown): unknown {
    if (isWireSecret(value)) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (isRecord(value)) {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item)]));
    }
    return value;
}

/** Whether any part of the value is unknown. */
export function containsUnknown(value: unknown): boolean {
    if (value === wireUnknown) {
        return true;
    }
    if (isWireSecret(value)) {
        return containsUnknown(value.value);
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    return isRecord(value) && Object.values(value).some(containsUnknown);
}
