// Keeps each resource's inputs from the resource policies' pass, so stack policies can read what a first preview hides.
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { stackOfUrn, projectOfUrn } from "./urn";

/**
 * The engine's sentinel for an unknown string; the policy library uses the same value after deserializing. Used only
 * when an unknown value's own sentinel cannot be read off the library's error.
 */
const unknownStringSentinel = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One analysis of one stack: Analyze for every resource, then AnalyzeStack. */
interface Run {
    /** The library hands every policy the stack tags it got from ConfigureStack, a new object per call. */
    stackTags: unknown;
    stack: string;
    project: string;
    /** Set once a stack policy has read the store: the next resource analyzed starts another run. */
    readByStack: boolean;
    inputs: Map<string, Record<string, unknown>>;
}

let current: Run | undefined;

/**
 * A plain copy of the library's unknown-checking props: every value the same, and every unknown replaced by the
 * sentinel the library deserialized it from, so that wrapping the copy in `unknownCheckingProxy` throws on the same
 * reads. Secrets arrive unwrapped in `args.props` (the library unwraps them for resource and stack policies alike);
 * the copy lives in this process's memory only and is dropped with the next stack.
 */
function plainCopy(read: () => unknown): unknown {
    let value: unknown;
    try {
        value = read();
    } catch (error) {
        if (error instanceof UnknownValueError) {
            const sentinel = (error as { unknownTypeSentinel?: unknown }).unknownTypeSentinel;
            return typeof sentinel === "string" ? sentinel : unknownStringSentinel;
        }
        throw error;
    }
    if (Array.isArray(value)) {
        // Not value.map: it reads each element through the proxy outside the try above.
        return Array.from({ length: value.length }, (_, index) => plainCopy(() => value[index] as unknown));
    }
    // Only plain JSON objects are copied; assets and archives keep their class (and the library's proxy around it).
    if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        const record = value as Record<string, unknown>;
        return Object.fromEntries(Object.keys(record).map((key) => [key, plainCopy(() => record[key])]));
    }
    return value;
}

/** Starts a new run when the stack, its configuration or the pass changed since the inputs were kept. */
function runFor(urn: string, stackTags: unknown): Run {
    const stack = stackOfUrn(urn);
    const project = projectOfUrn(urn);
    const same =
        current !== undefined &&
        !current.readByStack &&
        current.stackTags === stackTags &&
        current.stack === stack &&
        current.project === project;
    if (!same) {
        current = { stackTags, stack, project, readByStack: false, inputs: new Map() };
    }
    return current as Run;
}

/** Keeps `args.props` for its URN, once per run: every resource policy sees the same inputs. */
export function keepInputs(args: ResourceValidationArgs): void {
    const run = runFor(args.urn, args.stackTags);
    if (!run.inputs.has(args.urn)) {
        run.inputs.set(args.urn, plainCopy(() => args.props) as Record<string, unknown>);
    }
}

/**
 * The policy with every `validateResource` first keeping the resource's inputs. Any one enabled resource policy
 * records every resource: the wrapper drops a type attached with `validateResourceOfType`, which would make the
 * library skip the call for other types (the wrapped check still tests the type itself).
 */
export function keepingInputs<P extends { name: string }>(policy: P): P {
    const resourcePolicy = policy as unknown as ResourceValidationPolicy;
    if (resourcePolicy.validateResource === undefined) {
        return policy;
    }
    const validations = Array.isArray(resourcePolicy.validateResource)
        ? resourcePolicy.validateResource
        : [resourcePolicy.validateResource];
    const wrapped = validations.map((validate): typeof validate => (args, reportViolation) => {
        keepInputs(args);
        return validate(args, reportViolation);
    });
    return { ...policy, validateResource: wrapped.length === 1 ? wrapped[0] : wrapped };
}

/** Properties as the library types them for policies (any shape, read defensively). */
type Props = PolicyResource["props"];

/** Where a stack policy's view of a resource comes from. */
export type PropsSource = "outputs" | "inputs" | "none";

/** What a stack policy is handed besides the resources: the stack tags tell which run it belongs to. */
export interface StackRun {
    stackTags: unknown;
}

/**
 * A resource's properties for a stack policy: its outputs, or, when the engine sent none (a resource of a provider
 * whose configuration is unknown, created in a preview), the inputs its resource policies saw in this run. Read them
 * with the same `known()` readers: an unknown value throws as it does in outputs. `source` is "none" when there are
 * neither: nothing about the resource can be checked.
 */
export function stackPropsOf(resource: PolicyResource, args: StackRun): { props: Props; source: PropsSource } {
    const run = current;
    // Inputs kept under other stack tags belong to an earlier ConfigureStack, maybe of another stack of the same name.
    const sameRun =
        run !== undefined &&
        run.stackTags === args.stackTags &&
        run.stack === stackOfUrn(resource.urn) &&
        run.project === projectOfUrn(resource.urn);
    if (sameRun) {
        // Whatever a stack policy reads, the next resource analyzed belongs to a new run.
        run.readByStack = true;
    }
    if (Object.keys(resource.props).length > 0) {
        return { props: resource.props, source: "outputs" };
    }
    const kept = sameRun ? run.inputs.get(resource.urn) : undefined;
    if (kept === undefined || Object.keys(kept).length === 0) {
        return { props: resource.props, source: "none" };
    }
    return { props: unknownCheckingProxy(kept) as Props, source: "inputs" };
}

/** The properties of `stackPropsOf`, for a rule that only reads them. */
export function propsOf(resource: PolicyResource, args: StackRun): Props {
    return stackPropsOf(resource, args).props;
}

/** Forgets every kept input; for tests that drive the store directly. */
export function resetKeptInputs(): void {
    current = undefined;
}
