// The whole program, evaluated for every Pulumi.<stack>.yaml: resources, outputs, secrets, .pbids and job/notebook parameters.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { planToJson } from "../../src/plan/format";
import { listStacks, runPlan, type Plan } from "../../src/plan/runPlan";
import type { JobInputs } from "./harness";

const root = path.resolve(__dirname, "..", "..");

/** Every string in a wire-form value that is not inside a secret, with where it was found. */
function plainStrings(value: unknown, where: string, found: [string, string][] = []): [string, string][] {
    if (typeof value === "string") {
        found.push([where, value]);
    } else if (Array.isArray(value)) {
        value.forEach((item, index) => plainStrings(item, `${where}[${index}]`, found));
    } else if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
            return found;
        }
        for (const [key, inner] of Object.entries(record)) {
            plainStrings(inner, `${where}.${key}`, found);
        }
    }
    return found;
}

function countByType(plan: Plan): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const resource of plan.resources) {
        counts[resource.type] = (counts[resource.type] ?? 0) + 1;
    }
    return counts;
}

function jobOf(plan: Plan): JobInputs {
    const job = plan.resources.find((resource) => resource.type === "databricks:index/job:Job");
    assert.ok(job, "the plan has a job");
    return job.inputs as unknown as JobInputs;
}

describe("the program, for every stack", function () {
    const stacks = listStacks(root);
    const plans = new Map<string, Plan>();

    before(async function () {
        for (const stack of stacks) {
            plans.set(stack, await runPlan({ stack }));
        }
    });

    it("finds the dev and prod stacks", function () {
        assert.ok(stacks.includes("dev") && stacks.includes("prod"), `stacks: ${stacks.join(", ")}`);
    });

    it("creates one of each platform piece per stack, and the module beside the notebooks", function () {
        for (const [stack, plan] of plans) {
            const counts = countByType(plan);
            for (const type of [
                "azure-native:eventhub:Namespace",
                "azure-native:eventhub:EventHub",
                "databricks:index/catalog:Catalog",
                "databricks:index/volume:Volume",
                "databricks:index/cluster:Cluster",
                "databricks:index/job:Job",
                "databricks:index/secretScope:SecretScope",
                "databricks:index/secret:Secret",
                "pulumi:providers:databricks",
            ]) {
                assert.equal(counts[type], 1, `${stack}: ${type}`);
            }
            assert.equal(counts["azure-native:eventhub:EventHubAuthorizationRule"], 2, stack);
            assert.equal(counts["databricks:index/schema:Schema"], 3, stack);
            assert.equal(counts["databricks:index/notebook:Notebook"], 3, stack);
            const moduleFiles = fs
                .readdirSync(path.join(root, "notebooks", "medallion"))
                .filter((f) => f.endsWith(".py"));
            assert.equal(counts["databricks:index/workspaceFile:WorkspaceFile"], moduleFiles.length, stack);
        }
    });

    it("follows each stack's settings: Basic single node on a schedule in dev, Standard continuous with a warehouse in prod", function () {
        const dev = plans.get("dev")!;
        const devCounts = countByType(dev);
        assert.equal(devCounts["azure-native:eventhub:ConsumerGroup"], undefined);
        assert.equal(devCounts["databricks:index/sqlEndpoint:SqlEndpoint"], undefined);
        const devNamespace = dev.resources.find((r) => r.type === "azure-native:eventhub:Namespace")!;
        assert.deepEqual(devNamespace.inputs.sku, { name: "Basic", tier: "Basic", capacity: 1 });
        assert.ok(jobOf(dev).schedule);

        const prod = plans.get("prod")!;
        const prodCounts = countByType(prod);
        assert.equal(prodCounts["azure-native:eventhub:ConsumerGroup"], 1);
        assert.equal(prodCounts["databricks:index/sqlEndpoint:SqlEndpoint"], 1);
        assert.equal(prodCounts["databricks:index/grants:Grants"], 1);
        assert.deepEqual(jobOf(prod).continuous, { pauseStatus: "UNPAUSED" });
        const bronzeParameters = (plan: Plan) => jobOf(plan).tasks[0].notebookTask.baseParameters;
        assert.equal(bronzeParameters(dev).consumer_group, "$Default");
        assert.equal(bronzeParameters(prod).consumer_group, "databricks");
        const prodCatalog = prod.resources.find((r) => r.type === "databricks:index/catalog:Catalog")!;
        assert.equal(prodCatalog.inputs.forceDestroy, false);
    });

    it("keeps prod's catalog, schemas and checkpoints on destroy and lets dev's go, protecting nothing", function () {
        const dataTypes = [
            "databricks:index/catalog:Catalog",
            "databricks:index/schema:Schema",
            "databricks:index/volume:Volume",
        ];
        for (const [stack, kept] of [
            ["dev", false],
            ["prod", true],
        ] as const) {
            const plan = plans.get(stack)!;
            const data = plan.resources.filter((resource) => dataTypes.includes(resource.type));
            assert.equal(data.length, 5, stack);
            for (const resource of data) {
                assert.equal(resource.retainOnDelete, kept, `${stack}: ${resource.urn}`);
            }
            const others = plan.resources.filter((resource) => !dataTypes.includes(resource.type));
            assert.ok(
                others.every((resource) => !resource.retainOnDelete),
                `${stack}: only data is kept`,
            );
            assert.ok(
                plan.resources.every((resource) => !resource.protect),
                `${stack}: nothing is protected`,
            );
        }
    });

    it("exports every output the tools rely on, secrets as secrets", function () {
        for (const [stack, plan] of plans) {
            for (const name of [
                "resourceGroupName",
                "eventHubsNamespace",
                "eventHubsFullyQualifiedNamespace",
                "eventHubName",
                "workspaceUrl",
                "clusterId",
                "jobId",
                "jobUrl",
                "catalogName",
                "checkpointVolumePath",
                "powerBi",
            ]) {
                assert.ok(plan.outputs[name] !== undefined, `${stack} lacks output ${name}`);
            }
            for (const name of ["sendConnectionString", "listenConnectionString"]) {
                const output = plan.outputs[name] as Record<string, unknown>;
                assert.equal(output[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig, `${stack}.${name}`);
                assert.match(String(output.value), /;EntityPath=weather$/);
            }
        }
    });

    it("keeps key material out of every plain resource input and output", function () {
        for (const [stack, plan] of plans) {
            const keys = [plan.outputs.sendConnectionString, plan.outputs.listenConnectionString].map(
                (output) => /SharedAccessKey=([^;]+)/.exec(String((output as Record<string, unknown>).value))![1],
            );
            const everywhere = [
                ...plan.resources.flatMap((resource) => plainStrings(resource.inputs, resource.urn)),
                ...plainStrings(plan.outputs, "outputs"),
            ];
            for (const [where, text] of everywhere) {
                assert.ok(!/SharedAccessKey=/.test(text), `${stack}: key material in plain ${where}`);
                for (const key of keys) {
                    assert.ok(!text.includes(key), `${stack}: a shared access key in plain ${where}`);
                }
            }
            const printed = JSON.stringify(planToJson(plan));
            assert.ok(!printed.includes("SharedAccessKey"), `${stack}: the --json plan shows a key`);
            assert.ok(printed.includes('"[secret]"'), `${stack}: the --json plan masks secrets`);
        }
    });

    it("writes a .pbids document with one DirectQuery connection and no credentials", function () {
        for (const [stack, plan] of plans) {
            const powerBi = plan.outputs.powerBi as Record<string, string>;
            const document = JSON.parse(powerBi.pbids);
            assert.deepEqual(document, {
                version: "0.1",
                connections: [
                    {
                        details: {
                            protocol: "databricks-sql",
                            address: { host: powerBi.host, path: powerBi.httpPath },
                        },
                        options: { Catalog: powerBi.catalog, Database: "gold" },
                        mode: "DirectQuery",
                    },
                ],
            });
            assert.equal(`https://${powerBi.host}`, plan.outputs.workspaceUrl, stack);
            assert.equal(powerBi.table, "weather_summary");
            assert.ok(!/password|token|key/i.test(powerBi.pbids), `${stack}: credentials in the .pbids`);
        }
        assert.match(
            (plans.get("dev")!.outputs.powerBi as Record<string, string>).httpPath,
            /^sql\/protocolv1\/o\/\d+\/[\w-]+$/,
        );
        assert.match(
            (plans.get("prod")!.outputs.powerBi as Record<string, string>).httpPath,
            /^\/sql\/1\.0\/warehouses\/\w+$/,
        );
    });

    it("passes each notebook exactly the widgets it declares", function () {
        for (const [stack, plan] of plans) {
            for (const task of jobOf(plan).tasks) {
                const source = fs.readFileSync(path.join(root, "notebooks", `${task.taskKey}.py`), "utf8");
                const widgets = [
                    ...source.matchAll(/dbutils\.widgets\.(?:text|dropdown|combobox)\(\s*["']([\w]+)["']/g),
                ]
                    .map((match) => match[1])
                    .sort();
                assert.ok(widgets.length > 0, `notebooks/${task.taskKey}.py declares no widgets`);
                assert.deepEqual(
                    Object.keys(task.notebookTask.baseParameters).sort(),
                    widgets,
                    `${stack}: ${task.taskKey}`,
                );
            }
        }
    });
});

describe("npm run plan", function () {
    const plan = (...args: string[]) =>
        spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(root, "src/plan/cli.ts"), ...args], {
            encoding: "utf8",
            cwd: root,
        });

    it("prints one JSON document with masked secrets and exits 0", function () {
        const result = plan("--stack", "dev", "--json");
        assert.equal(result.status, 0, result.stderr);
        const document = JSON.parse(result.stdout);
        assert.deepEqual(Object.keys(document), ["stack", "resources", "outputs"]);
        assert.equal(document.stack, "dev");
        assert.equal(document.outputs.sendConnectionString, "[secret]");
        for (const resource of document.resources) {
            assert.deepEqual(
                Object.keys(resource).filter((k) => k !== "parent"),
                ["urn", "type", "name", "inputs"],
            );
        }
    });

    it("exits 2 and lists the stacks for an unknown stack", function () {
        const result = plan("--stack", "staging");
        assert.equal(result.status, 2);
        assert.match(result.stderr, /unknown stack "staging": there is no Pulumi\.staging\.yaml \(stacks: dev, prod\)/);
    });

    it("exits 2 naming every bad key of an invalid stack file", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-plan-"));
        const file = path.join(dir, "Pulumi.broken.yaml");
        fs.writeFileSync(
            file,
            [
                "config:",
                "  azure-native:location: westeurope",
                "  lakestream:owner: someone",
                "  lakestream:environment: broken",
                "  lakestream:eventHubs: { sku: Basic, throughputUnits: 1, partitionCount: 64, retentionHours: 48 }",
                "  lakestream:databricks: {}",
                "  lakestream:catalog: {}",
                "  lakestream:cluster: { autoterminationMinutes: 10, workers: 0 }",
                "  lakestream:job: {}",
                "  lakestream:powerBi: {}",
                "  lakestream:cost: {}",
            ].join("\n"),
        );
        const result = plan("--stack-file", file);
        assert.equal(result.status, 2, result.stdout);
        assert.match(result.stderr, /invalid configuration for stack "broken" \(2 problems\)/);
        assert.match(
            result.stderr,
            /lakestream:eventHubs\.partitionCount must be an integer between 1 and 32 \(got 64\)/,
        );
        assert.match(
            result.stderr,
            /lakestream:eventHubs\.retentionHours must be at most 24 on the Basic tier \(got 48\)/,
        );
    });

    it("exits 2 when a key Pulumi.yaml declares without a default is missing", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-plan-"));
        const file = path.join(dir, "Pulumi.partial.yaml");
        fs.writeFileSync(file, "config:\n  azure-native:location: westeurope\n");
        const result = plan("--stack-file", file);
        assert.equal(result.status, 2);
        assert.match(result.stderr, /lakestream:owner is required \(declared in Pulumi\.yaml without a default\)/);
        assert.match(result.stderr, /lakestream:eventHubs is required/);
    });

    it("exits 2 on an unknown flag, naming it and the allowed ones", function () {
        const result = plan("--stak", "dev");
        assert.equal(result.status, 2);
        assert.match(result.stderr, /Unknown option '--stak'/);
        assert.match(result.stderr, /allowed flags: --stack, --stack-file, --json, --help/);
    });
});
