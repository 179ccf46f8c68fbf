// Reads the stack and project out of a resource URN, which is all a policy may rely on to know where it runs.

/**
 * The stack of a URN `urn:pulumi:<stack>::<project>::<type>::<name>`. `pulumi.getStack()` is empty inside a policy
 * pack (it runs in its own process, and under `pulumi policy publish` there is no stack at all).
 */
export function stackOfUrn(urn: string): string {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    return match ? match[1] : "";
}

export function projectOfUrn(urn: string): string {
    const match = /^urn:pulumi:[^:]+::([^:]+)::/.exec(urn);
    return match ? match[1] : "";
}

/** The last `::` segment of a URN: the resource's logical name. */
export function nameOfUrn(urn: string): string {
    const index = urn.lastIndexOf("::");
    return index >= 0 ? urn.slice(index + 2) : urn;
}
