// A provider plugin process for the offline engine: `main.ts azure-native|databricks [engine address]`.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { mockCall, newMockResource } from "../../plan/mockCloud";
import { credentialVariable } from "../credentials";
import { serveStandin } from "./server";
import { StandinProvider, type ServiceModel } from "./standinProvider";
import { StateFile } from "./stateFile";
import type { WireObject } from "./wire";

/**
 * The services as the offline plan models them (src/plan/mockCloud.ts): ids, computed state and refusals after a
 * create, and the answers of data sources. One model serves the plan and the engine's stand-ins.
 */
const mockService: ServiceModel = {
    create: ({ type, name, stack, inputs }) =>
        newMockResource(stack, { type, name, inputs, provider: "", id: "", custom: true }, "update") as {
            id: string;
            state: WireObject;
        },
    invoke: (token, args, stack) => mockCall(stack, { token, inputs: args, provider: "" }) as WireObject,
};

// A stand-in answers without any cloud; credentials in its environment mean it was started outside the offline
// preview, which removes them, and nothing here may ever hold one.
const credentials = Object.keys(process.env).filter((key) => credentialVariable.test(key));
if (credentials.length > 0) {
    console.error(
        `the offline stand-in refuses to run with cloud credentials in its environment: ${credentials.join(", ")}`,
    );
    process.exit(2);
}

const packageName = process.argv[2];
if (packageName !== "azure-native" && packageName !== "databricks") {
    console.error(`usage: main.ts azure-native|databricks (got "${packageName ?? ""}")`);
    process.exit(2);
}
const manifest = JSON.parse(
    readFileSync(
        path.join(path.dirname(require.resolve(`@pulumi/${packageName}/package.json`)), "package.json"),
        "utf8",
    ),
) as { version: string };
const stack = process.env.LAKESTREAM_STANDIN_STACK ?? "";
// One cache file per provider: the two plugin processes of a preview run side by side and would overwrite each other.
const cacheDir = process.env.LAKESTREAM_SHAPE_CACHE_DIR;
const shapeCache = cacheDir === undefined ? undefined : path.join(cacheDir, `sdk-shapes-${packageName}.json`);
// What exists is shared by every plugin process of one engine session (a file in its scratch folder); without one, a
// process keeps it in memory, which is all a preview from an empty state needs.
const stateFile = new StateFile(process.env.LAKESTREAM_STANDIN_STATE);
const provider = new StandinProvider(packageName, manifest.version, mockService, shapeCache, stateFile);
// Milliseconds each create, update and delete takes (server.ts, handleAfter); none unless the session sets it.
const latency = Number(process.env.LAKESTREAM_STANDIN_LATENCY_MS ?? "0");
serveStandin(provider, stack, Number.isFinite(latency) ? latency : 0).catch((error: unknown) => {
    console.error(`the ${packageName} stand-in could not start: ${(error as Error).message}`);
    process.exit(1);
});
