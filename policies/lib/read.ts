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

/**
 * What a rule could not check because a value is unknown during preview, collected so that the rule first reports
 * every violation it can see. `throwIfAny` then ends the rule with the library's UnknownValueError, which the library
 * reports as an advisory "can't run policy … during preview: <message>": never a silent pass, never a failure.
 */
export class PreviewGaps {
    private readonly gaps: string[] = [];

    /** Notes one thing not checked, in words that name the resource and the property. */
    add(what: string): void {
        if (!this.gaps.includes(what)) {
            this.gaps.push(what);
        }
    }

    get size(): number {
        return this.gaps.length;
    }

    /** Ends the rule when anything was left unchecked; `after` adds what that means for the verdict. */
    throwIfAny(after?: string): void {
        if (this.gaps.length === 0) {
            return;
        }
        const shown =
            this.gaps.slice(0, 5).join("; ") + (this.gaps.length > 5 ? ` and ${this.gaps.length - 5} more` : "");
        throw cannotCheckDuringPreview(
            `not checked, unknown until the update runs: ${shown}` + (after === undefined ? "" : `; ${after}`),
        );
    }
}

/** The library's UnknownValueError with a message of the rule's own (its constructor only names a property path). */
export function cannotCheckDuringPreview(message: string): Error {
    // The constructor needs one of the library's unknown sentinels: the engine's unknown string is one of them.
    const error = new UnknownValueError("04da6b54-80e4-46f7-96ec-b56ff0331ba9", []) as Error;
    error.message = message;
    return error;
}
