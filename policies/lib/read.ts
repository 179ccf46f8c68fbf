// Defensive readers for resource properties as the analyzer hands them to policies (unknown at preview, any shape).
import { UnknownValueError } from "@pulumi/policy";

/** Stands for a value the engine cannot know until the update runs (an output of another resource). */
export const Unknown: unique symbol = Symbol("unknown during preview");
export type MaybeUnknown<T> = T | typeof Unknown;

/**
 * Evaluates `get` against the analyzer's unknown-checking props. Reading an unknown value through them throws, which
 * would turn the whole policy into an advisory "can't run during preview"; this keeps the rest of the rule running.
 */
export function known<T>(get: () => T): MaybeUnknown<T> {
    try {
        return get();
    } catch (error) {
        if (error instanceof UnknownValueError) {
            return Unknown;
        }
        throw error;
    }
}

export function isUnknown(value: unknown): value is typeof Unknown {
    return value === Unknown;
}

/** A finite number, or undefined for anything else (absent, a string, unknown). */
export function asNumber(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function asString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
    return typeof value === "boolean" ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The elements of an array property, each read defensively; an unknown array or element becomes `Unknown` so that a
 * rule can skip just that part.
 */
export function elementsOf(read: () => unknown): MaybeUnknown<MaybeUnknown<unknown>[]> {
    const array = known(read);
    if (isUnknown(array)) {
        return Unknown;
    }
    if (!Array.isArray(array)) {
        return [];
    }
    const elements: MaybeUnknown<unknown>[] = [];
    for (let index = 0; index < array.length; index++) {
        elements.push(known(() => array[index] as unknown));
    }
    return elements;
}

/** The own keys of an object property, or [] when it is absent, not an object or unknown. */
export function keysOf(read: () => unknown): string[] {
    const value = known(read);
    return isRecord(value) ? Object.keys(value) : [];
}

/** Every string inside `value` with its property path, skipping values that are unknown during preview. */
export function stringLeaves(value: unknown, path = ""): { path: string; value: string }[] {
    if (typeof value === "string") {
        return [{ path, value }];
    }
    if (Array.isArray(value)) {
        const leaves: { path: string; value: string }[] = [];
        for (let index = 0; index < value.length; index++) {
            const element = known(() => value[index] as unknown);
            if (!isUnknown(element)) {
                leaves.push(...stringLeaves(element, `${path}[${index}]`));
            }
        }
        return leaves;
    }
    if (isRecord(value)) {
        const leaves: { path: string; value: string }[] = [];
        for (const key of Object.keys(value)) {
            const element = known(() => value[key]);
            if (!isUnknown(element)) {
                leaves.push(...stringLeaves(element, path === "" ? key : `${path}.${key}`));
            }
        }
        return leaves;
    }
    return [];
}
