// Serves a stand-in provider over the engine's ResourceProvider gRPC protocol, as a provider plugin process does.
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import type { StandinProvider } from "./standinProvider";
import { deleteCalls } from "./statefulService";
import type { WireObject } from "./wire";

type Callback = (error: grpc.ServiceError | null, response?: unknown) => void;
type Call<Request> = { request: Request };

function toObject(struct: Struct | undefined): WireObject {
    return (struct?.toJavaScript() ?? {}) as WireObject;
}

function toStruct(value: WireObject): Struct {
    return Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
}

/** A gRPC error carrying the message the engine shows the user, as a provider's failure does. */
function failure(code: grpc.status, message: string): grpc.ServiceError {
    return Object.assign(new Error(message), { code, details: message, metadata: new grpc.Metadata() });
}

function handle<Request>(work: (request: Request) => unknown) {
    return (call: Call<Request>, callback: Callback) => {
        try {
            callback(null, work(call.request));
        } catch (error) {
            callback(failure(grpc.status.UNKNOWN, (error as Error).message));
        }
    };
}

/**
 * A call that changes something at the service answers after `latency` milliseconds, as calls over the network do
 * (a delete that takes the provider several calls takes that many times as long, statefulService.ts deleteCalls).
 * Without it the engine's parallel steps would race in whatever order the plugin happens to receive them; with it they
 * end as against the services: steps the engine runs side by side finish in the order of their calls' count, and a
 * step that waits for others ends after them.
 */
function handleAfter<Request>(latency: (request: Request) => number, work: (request: Request) => unknown) {
    const now = handle(work);
    return (call: Call<Request>, callback: Callback) => {
        const wait = latency(call.request);
        if (wait <= 0) {
            now(call, callback);
        } else {
            setTimeout(() => now(call, callback), wait);
        }
    };
}

/** A request's resource type, or the last type of its URN `urn:pulumi:<stack>::<project>::<parent$type>::<name>`. */
function typeOf(type: string, urn: string): string {
    return type || urn.split("::")[2]?.split("$").pop() || "";
}

/** Whether two property values are the same, ignoring key order. */
function sameValue(a: unknown, b: unknown): boolean {
    return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((key) => [key, sortKeys((value as WireObject)[key])]),
        );
    }
    return value;
}

/**
 * Starts the plugin's server on a loopback port and prints the port, the handshake the engine reads from a plugin's
 * standard output. Methods left out (Construct, Call, GetSchema, ...) answer UNIMPLEMENTED, as grpc-js does for any
 * method a service does not implement; the engine treats CheckConfig and DiffConfig that way as "nothing to check".
 */
export async function serveStandin(provider: StandinProvider, stack: string, serviceLatency = 0): Promise<void> {
    const server = new grpc.Server();
    const implementation = {
        getPluginInfo: handle(() => new pluginProto.PluginInfo().setVersion(provider.version)),
        configure: handle((request: providerProto.ConfigureRequest) => {
            // The engine sends the configuration both as `<package>:config:<key>` variables and as arguments.
            const variables: Record<string, string> = {};
            for (const [key, value] of request.getVariablesMap().entries()) {
                variables[key] = value;
            }
            const args = toObject(request.getArgs());
            if (typeof args.host === "string") {
                variables.host = args.host;
            }
            provider.configure(variables);
            return (
                new providerProto.ConfigureResponse()
                    .setAcceptsecrets(true)
                    .setAcceptresources(true)
                    .setAcceptoutputs(false)
                    // Both real providers compute a resource's planned state in a preview.
                    .setSupportspreview(true)
            );
        }),
        check: handle((request: providerProto.CheckRequest) =>
            new providerProto.CheckResponse().setInputs(request.getNews() ?? new Struct()),
        ),
        diff: handle((request: providerProto.DiffRequest) => {
            const olds = toObject(request.getOldInputs() ?? request.getOlds());
            const news = toObject(request.getNews());
            const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter(
                (key) => !sameValue(olds[key], news[key]),
            );
            return new providerProto.DiffResponse()
                .setChanges(
                    changed.length > 0
                        ? providerProto.DiffResponse.DiffChanges.DIFF_SOME
                        : providerProto.DiffResponse.DiffChanges.DIFF_NONE,
                )
                .setDiffsList(changed);
        }),
        create: handleAfter(
            (request: providerProto.CreateRequest) => (request.getPreview() ? 0 : serviceLatency),
            (request: providerProto.CreateRequest) => {
                const result = provider.create(
                    request.getUrn(),
                    typeOf(request.getType(), request.getUrn()),
                    request.getName() || request.getUrn().split("::")[3] || "",
                    toObject(request.getProperties()),
                    request.getPreview(),
                );
                return new providerProto.CreateResponse().setId(result.id).setProperties(toStruct(result.properties));
            },
        ),
        update: handleAfter(
            (request: providerProto.UpdateRequest) => (request.getPreview() ? 0 : serviceLatency),
            (request: providerProto.UpdateRequest) =>
                new providerProto.UpdateResponse().setProperties(
                    toStruct(
                        provider.update(
                            typeOf(request.getType(), request.getUrn()),
                            request.getId(),
                            toObject(request.getOlds()),
                            toObject(request.getNews()),
                            request.getPreview(),
                        ),
                    ),
                ),
        ),
        delete: handleAfter(
            (request: providerProto.DeleteRequest) =>
                serviceLatency *
                deleteCalls(typeOf(request.getType(), request.getUrn()), toObject(request.getProperties())),
            (request: providerProto.DeleteRequest) => {
                provider.delete(typeOf(request.getType(), request.getUrn()), request.getId());
                return new Empty();
            },
        ),
        // A resource that does not exist is answered with an empty id, as the real providers do: the engine then
        // drops it on a refresh and fails an import ("does not exist").
        read: handle((request: providerProto.ReadRequest) => {
            const found = provider.read(typeOf(request.getType(), request.getUrn()), request.getId());
            const response = new providerProto.ReadResponse();
            return found === undefined
                ? response.setId("")
                : response.setId(found.id).setProperties(toStruct(found.properties)).setInputs(toStruct(found.inputs));
        }),
        invoke: handle((request: providerProto.InvokeRequest) =>
            new providerProto.InvokeResponse().setReturn(
                toStruct(provider.invoke(request.getTok(), toObject(request.getArgs()), stack)),
            ),
        ),
        cancel: handle(() => new Empty()),
    };
    server.addService(
        providerRpc.ResourceProviderService,
        implementation as unknown as grpc.UntypedServiceImplementation,
    );
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
            error ? reject(error) : resolve(bound),
        ),
    );
    process.stdout.write(`${port}\n`);
}
