// Stack-level lookups shared by the policies that relate resources to each other (a hub to its namespace, ...).
import type { PolicyResource } from "@pulumi/policy";
import { propsOf, type StackRun } from "./keptInputs";
import { asNumber, asString, isUnknown, known } from "./read";
import { ResourceTypes } from "./types";

/**
 * The Event Hubs namespace a hub, consumer group or rule belongs to: through its dependencies (set whenever the
 * program passes `namespace.name`), else by the `namespaceName` input, else the only namespace of the stack.
 */
export function namespaceOf(
    resource: PolicyResource,
    all: PolicyResource[],
    args: StackRun,
): PolicyResource | undefined {
    const namespaces = all.filter((candidate) => candidate.type === ResourceTypes.eventHubsNamespace);
    const pending = [...resource.dependencies];
    const seen = new Set<string>();
    while (pending.length > 0) {
        const dependency = pending.shift() as PolicyResource;
        if (seen.has(dependency.urn)) {
            continue;
        }
        seen.add(dependency.urn);
        if (dependency.type === ResourceTypes.eventHubsNamespace) {
            return dependency;
        }
        pending.push(...dependency.dependencies);
    }
    const wanted = known(() => asString(propsOf(resource, args).namespaceName));
    if (!isUnknown(wanted) && wanted !== undefined) {
        const byName = namespaces.find((namespace) => known(() => propsOf(namespace, args).namespaceName) === wanted);
        if (byName) {
            return byName;
        }
    }
    return namespaces.length === 1 ? namespaces[0] : undefined;
}

/** The namespace's tier (`sku.tier`, else `sku.name`), or undefined when it is not known at preview. */
export function tierOf(namespace: PolicyResource, args: StackRun): string | undefined {
    const props = propsOf(namespace, args);
    const tier = known(() => asString(props.sku?.tier) ?? asString(props.sku?.name));
    return isUnknown(tier) ? undefined : tier;
}

/**
 * The most throughput units a namespace can reach: its capacity, or the auto-inflate ceiling when auto-inflate is
 * on. Undefined when a value it depends on is unknown. Azure's default capacity is 1.
 */
export function peakThroughputUnits(namespace: PolicyResource, args: StackRun): number | undefined {
    const props = propsOf(namespace, args);
    if (Object.keys(props).length === 0) {
        return undefined;
    }
    const capacity = known(() => props.sku?.capacity);
    const autoInflate = known(() => props.isAutoInflateEnabled);
    const maximum = known(() => props.maximumThroughputUnits);
    if (isUnknown(capacity) || isUnknown(autoInflate) || isUnknown(maximum)) {
        return undefined;
    }
    const base = asNumber(capacity) ?? 1;
    return autoInflate === true ? Math.max(base, asNumber(maximum) ?? base) : base;
}
