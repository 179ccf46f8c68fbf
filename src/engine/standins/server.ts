// Serves a stand-in provider over the engine's ResourceProvider gRPC protocol, as a provider plugin process does.
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import type { StandinProvider } from "./standinProvider";
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
export async function serveStandin(provider: StandinProvider, stack: string): Promise<void> {
    const server = new grpc.Server();
    const implementation = {
        getPluginInfo: handle(() => new pluginProto.PluginInfo().setVersion(provider.version)),
        configure: handle(() =>
            new providerProto.ConfigureResponse()
                .setAcceptsecrets(true)
                .setAcceptresources(true)
                .setAcceptoutputs(false)
                // Both real providers compute a resource's planned state in a preview.
                .setSupportspreview(true),
        ),
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
        create: handle((request: providerProto.CreateRequest) => {
            const result = provider.create(
                request.getUrn(),
                request.getType() || request.getUrn().split("::")[2].split("$").pop() || "",
                request.getName() || request.getUrn().split("::")[3] || "",
                toObject(request.getProperties()),
                request.getPreview(),
            );
            return new providerProto.CreateResponse().setId(result.id).setProperties(toStruct(result.properties));
        }),
        update: handle((request: providerProto.UpdateRequest) =>
            new providerProto.UpdateResponse().setProperties(
                toStruct({ ...toObject(request.getOlds()), ...toObject(request.getNews()) }),
            ),
        ),
        delete: handle(() => new Empty()),
        read: (_call: unknown, callback: Callback) =>
            callback(
                failure(
                    grpc.status.UNIMPLEMENTED,
                    `the offline ${provider.packageName} stand-in cannot read an existing resource (refresh or import)`,
                ),
            ),
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
