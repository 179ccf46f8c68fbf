// Specs for the offline provider stand-ins: preview state from the installed SDKs, the gRPC plugin, refusing credentials.
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { outputShapeOf, sdkVersions } from "../../src/engine/standins/sdkShapes";
import { envWithout, providerClient, startStandin } from "../support/standinClient";
import { previewState } from "../../src/engine/standins/standinProvider";
import { wireSecret, wireUnknown } from "../../src/engine/standins/wire";
import { engineEnvironment } from "../../src/engine/enginePreview";

const root = path.join(__dirname, "..", "..");
const standinMain = path.join(root, "src", "engine", "standins", "main.ts");

/** Starts a stand-in plugin process as the engine does and returns the port it prints, or its exit and stderr. */
describe("provider stand-ins", () => {
    describe("what only the provider computes, per the installed SDK", () => {
        it("finds azure-native's output-only properties, nested ones included", () => {
            const shape = outputShapeOf("azure-native:databricks:AccessConnector");
            // The class declares them, the Args do not: the service names the resource and assigns the identity.
            assert.ok(shape.outputOnly.includes("name"));
            assert.ok(!shape.outputOnly.includes("location"), "location is an input");
            assert.deepEqual([...shape.nested.identity.outputOnly].sort(), ["principalId", "tenantId"]);
        });

        it("finds the Terraform-bridged databricks resources' computed properties", () => {
            assert.ok(outputShapeOf("databricks:index/job:Job").outputOnly.includes("url"));
            assert.ok(!outputShapeOf("databricks:index/job:Job").outputOnly.includes("tasks"));
            assert.ok(outputShapeOf("databricks:index/sqlEndpoint:SqlEndpoint").outputOnly.includes("jdbcUrl"));
        });

        it("refuses a token the installed SDK does not declare, naming it", () => {
            assert.throws(
                () => outputShapeOf("azure-native:eventhub:NoSuchThing"),
                /the installed SDK has no resource azure-native:eventhub:NoSuchThing/,
            );
            assert.throws(() => outputShapeOf("aws:s3:Bucket"), /no installed provider SDK declares aws:s3:Bucket/);
        });

        it("keeps what it computed in a cache file keyed by the SDK versions", () => {
            const cacheFile = path.join(mkdtempSync(path.join(tmpdir(), "shapes-")), "shapes.json");
            outputShapeOf("azure-native:eventhub:Namespace", cacheFile);
            const cache = JSON.parse(readFileSync(cacheFile, "utf8")) as { sdks: string; shapes: object };
            assert.equal(cache.sdks, sdkVersions());
            assert.match(cache.sdks, /azure-native@\d+\.\d+\.\d+,databricks@\d+\.\d+\.\d+/);
            assert.ok("azure-native:eventhub:Namespace" in cache.shapes);
        });
    });

    it("previews a new resource as its inputs with every computed property unknown, secrets kept secret", () => {
        const inputs = {
            location: "westeurope",
            identity: { type: "SystemAssigned" },
            tags: wireSecret({ owner: "data-platform@example.com" }),
        };
        const state = previewState(inputs, outputShapeOf("azure-native:databricks:AccessConnector"));
        assert.equal(state.location, "westeurope");
        assert.equal(state.name, wireUnknown);
        assert.deepEqual(state.identity, { type: "SystemAssigned", principalId: wireUnknown, tenantId: wireUnknown });
        assert.deepEqual(state.tags, inputs.tags);
        // An absent nested object stays absent: the provider invents nothing the program did not ask for.
        const withoutIdentity = previewState(
            { location: "westeurope" },
            outputShapeOf("azure-native:databricks:AccessConnector"),
        );
        assert.equal(withoutIdentity.identity, undefined);
        assert.ok(!("identity" in withoutIdentity));
    });

    it("serves the engine's ResourceProvider protocol: preview on Configure, a planned state on Create", async () => {
        const { child, port } = startStandin("azure-native", envWithout(/^(ARM_|AZURE_|DATABRICKS_)/));
        try {
            const client = providerClient(await port);
            const call = client.call;
            const configured = await call<providerProto.ConfigureRequest, providerProto.ConfigureResponse>(
                "configure",
                new providerProto.ConfigureRequest(),
            );
            assert.equal(configured.getSupportspreview(), true);
            assert.equal(configured.getAcceptsecrets(), true);
            const urn = "urn:pulumi:dev::lakestream::azure-native:databricks:AccessConnector::lakestream-dev-connector";
            const created = await call<providerProto.CreateRequest, providerProto.CreateResponse>(
                "create",
                new providerProto.CreateRequest()
                    .setUrn(urn)
                    .setType("azure-native:databricks:AccessConnector")
                    .setName("lakestream-dev-connector")
                    .setPreview(true)
                    .setProperties(
                        Struct.fromJavaScript({ identity: { type: "SystemAssigned" }, location: "westeurope" }),
                    ),
            );
            assert.equal(created.getId(), "", "an id the engine takes as unknown");
            const state = created.getProperties()!.toJavaScript() as { identity: Record<string, unknown> };
            assert.equal(state.identity.principalId, wireUnknown);
            client.close();
        } finally {
            child.kill();
        }
    });

    it("refuses to start with cloud credentials in its environment, naming them", async () => {
        const { port } = startStandin("databricks", {
            ...envWithout(/^(ARM_|AZURE_|DATABRICKS_)/),
            DATABRICKS_TOKEN: "dapi-not-a-real-token",
        });
        await assert.rejects(port, (error: { code: number; stderr: string }) => {
            assert.equal(error.code, 2);
            assert.match(error.stderr, /refuses to run with cloud credentials in its environment: DATABRICKS_TOKEN/);
            assert.doesNotMatch(error.stderr, /dapi-not-a-real-token/);
            return true;
        });
    });

    it("refuses an unknown provider name", async () => {
        const { port } = startStandin("aws", envWithout(/^(ARM_|AZURE_|DATABRICKS_)/));
        await assert.rejects(port, (error: { code: number; stderr: string }) => {
            assert.equal(error.code, 2);
            assert.match(error.stderr, /usage: main\.ts azure-native\|databricks \(got "aws"\)/);
            return true;
        });
    });

    it("gives the engine an environment without credentials, with a private home, a file backend and the stand-ins first", () => {
        const env = engineEnvironment(
            {
                PATH: "/usr/bin",
                HOME: "/home/someone",
                ARM_CLIENT_SECRET: "s",
                AZURE_CLIENT_ID: "c",
                DATABRICKS_TOKEN: "t",
                PULUMI_ACCESS_TOKEN: "p",
                PULUMI_HOME: "/home/someone/.pulumi",
                PULUMI_BACKEND_URL: "https://api.pulumi.com",
            },
            { home: "/tmp/x/home", state: "/tmp/x/state", bin: "/tmp/x/bin" },
            "dev",
        );
        for (const key of ["ARM_CLIENT_SECRET", "AZURE_CLIENT_ID", "DATABRICKS_TOKEN", "PULUMI_ACCESS_TOKEN"]) {
            assert.equal(env[key], undefined, key);
        }
        assert.equal(env.PULUMI_HOME, "/tmp/x/home");
        assert.equal(env.PULUMI_BACKEND_URL, "file:///tmp/x/state");
        assert.equal(env.PATH, "/tmp/x/bin:/usr/bin");
        assert.equal(env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, "true");
        assert.equal(env.HOME, "/home/someone");
        assert.ok(existsSync(standinMain));
    });
});
