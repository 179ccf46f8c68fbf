// What an offline stand-in for a real provider answers the engine: the documented behaviour, and nothing invented.
import { outputShapeOf, type OutputShape } from "./sdkShapes";
import { StateFile } from "./stateFile";
import { StatefulService, workspaceIdOfHost, type Caller } from "./statefulService";
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
/** What the service answers for an existing resource: its id, state and the inputs it has. */
export interface ReadResult {
    id: string;
    properties: WireObject;
    inputs: WireObject;
}

/**
 * The provider side of a stand-in. Preview follows the SDK's declarations; what exists after a create comes from the
 * service model and stays in the session's state (read, updated and deleted there, with the services' refusals);
 * secrets the engine sent stay secret in the state.
 */
export class StandinProvider {
    private caller: Caller;
    private readonly service: StatefulService;

    constructor(
        readonly packageName: string,
        readonly version: string,
        private readonly model: ServiceModel,
        private readonly shapeCacheFile?: string,
        state: StateFile = new StateFile(),
    ) {
        this.caller = { packageName };
        this.service = new StatefulService(state);
    }

    /**
     * The provider's configuration: a databricks provider's `host` names the workspace every call goes through,
     * which decides what an ISOLATED catalog lets it do.
     */
    configure(variables: Record<string, string>): void {
        const host = variables["databricks:config:host"] ?? variables.host;
        this.caller = { packageName: this.packageName, workspaceId: workspaceIdOfHost(host) };
    }

    create(urn: string, type: string, name: string, inputs: WireObject, preview: boolean): CreateResult {
        if (preview) {
            // The engine takes an empty id in a preview as "unknown until created".
            return { id: "", properties: previewState(inputs, outputShapeOf(type, this.shapeCacheFile)) };
        }
        return this.service.create(this.caller, { type, name, urn }, inputs, () => {
            const { id, state } = this.model.create({
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
        });
    }

    /** The resource with this id, or undefined when the service has none. */
    read(type: string, id: string): ReadResult | undefined {
        const found = this.service.read(this.caller, type, id);
        return found === undefined ? undefined : { id: found.id, properties: found.properties, inputs: found.inputs };
    }

    /** The state after an update; a preview's planned update changes nothing at the service. */
    update(type: string, id: string, olds: WireObject, news: WireObject, preview = false): WireObject {
        const properties = { ...olds, ...news };
        if (!preview) {
            this.service.update(this.caller, type, id, news, properties);
        }
        return properties;
    }

    delete(type: string, id: string): void {
        this.service.delete(this.caller, type, id);
    }

    invoke(token: string, args: WireObject, stack: string): WireObject {
        return this.model.invoke(token, unwrapSecrets(args) as WireObject, stack);
    }
}
