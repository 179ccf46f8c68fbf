// What an offline stand-in for a real provider answers the engine: the documented behaviour, and nothing invented.
import { outputShapeOf, type OutputShape } from "./sdkShapes";
import { isRecord, isWireSecret, unwrapSecrets, wireSecret, wireUnknown, type WireObject } from "./wire";

/** The service behind a stand-in: what exists once a resource is created, and what a data source answers. */
export interface ServiceModel {
    /** The id and state of a resource the service has created from these (plain, secret-free) inputs. */
    create(resource: { type: string; name: string; stack: string; inputs: WireObject }): {
        id: string;
        state: WireObject;
    };
    /** What an invoke answers, or a thrown error with the service's own message. */
    invoke(token: string, args: WireObject, stack: string): WireObject;
}

export interface CreateResult {
    id: string;
    properties: WireObject;
}

/**
 * A resource's state in a preview, as a provider that supports previews computes it (azure-native's and the
 * Terraform bridge's Create with `preview`): its inputs, with every property only the provider can compute unknown,
 * at every level of nesting the SDK declares.
 */
export function previewState(inputs: WireObject, shape: OutputShape): WireObject {
    const state: WireObject = { ...inputs };
    for (const name of shape.outputOnly) {
        if (state[name] === undefined) {
            state[name] = wireUnknown;
        }
    }
    for (const [name, inner] of Object.entries(shape.nested)) {
        if (state[name] !== undefined) {
            state[name] = previewNested(state[name], inner);
        }
    }
    return state;
}

function previewNested(value: unknown, shape: OutputShape): unknown {
    if (isWireSecret(value)) {
        return wireSecret(previewNested(value.value, shape));
    }
    if (Array.isArray(value)) {
        return value.map((item) => previewNested(item, shape));
    }
    return isRecord(value) ? previewState(value, shape) : value;
}

/** The stack a resource belongs to, from its URN `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string {
    return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/**
 * The provider side of a stand-in. Preview follows the SDK's declarations; what exists after a create comes from the
 * service model; secrets the engine sent stay secret in the state.
 */
export class StandinProvider {
    constructor(
        readonly packageName: string,
        readonly version: string,
        private readonly service: ServiceModel,
        private readonly shapeCacheFile?: string,
    ) {}

    create(urn: string, type: string, name: string, inputs: WireObject, preview: boolean): CreateResult {
        if (preview) {
            // The engine takes an empty id in a preview as "unknown until created".
            return { id: "", properties: previewState(inputs, outputShapeOf(type, this.shapeCacheFile)) };
        }
        const { id, state } = this.service.create({
            type,
            name,
            stack: stackOfUrn(urn),
            inputs: unwrapSecrets(inputs) as WireObject,
        });
        const properties: WireObject = { ...state };
        for (const [key, value] of Object.entries(inputs)) {
            if (isWireSecret(value) && properties[key] !== undefined) {
                properties[key] = wireSecret(properties[key]);
            }
        }
        return { id, properties };
    }

    invoke(token: string, args: WireObject, stack: string): WireObject {
        return this.service.invoke(token, unwrapSecrets(args) as WireObject, stack);
    }
}
