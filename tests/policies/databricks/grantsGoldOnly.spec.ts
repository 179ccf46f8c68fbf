// Specs for databricks-grants-gold-only, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import type { AnalyzedResource } from "../../../src/gate/analyzer";
import { violationsOf } from "../check";
import { catalog, firstDeploy, grants, job, runAsApplicationId, schema, wireUnknown } from "../factories";

const policy = "databricks-grants-gold-only";
const pipelinePrivileges = ["USE_SCHEMA", "CREATE_TABLE", "MODIFY", "SELECT"];

/** One Grant resource (a single principal), the non-authoritative form. */
function singleGrant(on: Record<string, unknown>, principal: string, privileges: string[]): AnalyzedResource {
    const base = grants(on, [], { name: "single-grant" });
    const inputs: Record<string, unknown> = { ...base.inputs, principal, privileges };
    delete inputs.grants;
    return {
        ...base,
        type: "databricks:index/grant:Grant",
        urn: base.urn.replace("grants:Grants", "grant:Grant"),
        inputs,
    };
}

describe(policy, () => {
    it("accepts the pipeline's own grants everywhere and readers on gold", async () => {
        const stack = [
            job(),
            grants(
                { catalog: "lakestream_dev" },
                [
                    { principal: runAsApplicationId, privileges: ["USE_CATALOG"] },
                    { principal: "analysts", privileges: ["USE_CATALOG"] },
                ],
                { name: "catalog-grants" },
            ),
            grants(
                { schema: "lakestream_dev.bronze" },
                [{ principal: runAsApplicationId, privileges: pipelinePrivileges }],
                {
                    name: "bronze-grants",
                },
            ),
            grants({ schema: "lakestream_dev.gold" }, [
                { principal: runAsApplicationId, privileges: pipelinePrivileges },
                { principal: "analysts", privileges: ["USE_SCHEMA", "SELECT"] },
            ]),
            grants(
                { volume: "lakestream_dev.bronze.checkpoints" },
                [{ principal: runAsApplicationId, privileges: ["READ_VOLUME", "WRITE_VOLUME"] }],
                { name: "volume-grants" },
            ),
        ];
        assert.deepEqual(await violationsOf(policy, stack), []);
    });

    it("rejects a reader on bronze, on the quarantine's schema and on a bronze table", async () => {
        for (const on of [
            { schema: "lakestream_dev.bronze" },
            { schema: "lakestream_dev.silver" },
            { table: "lakestream_dev.bronze.weather" },
        ]) {
            const leak = grants(on, [{ principal: "analysts", privileges: ["USE_SCHEMA", "SELECT"] }]);
            const [violation] = await violationsOf(policy, [job(), leak]);
            assert.equal(violation.urn, leak.urn);
            assert.match(violation.message, /\nFound analysts granted (USE_SCHEMA, )?SELECT on /);
            assert.match(
                violation.message,
                /allowed for anyone but the run-as identity: USE_CATALOG on the catalog and USE_SCHEMA, SELECT on the gold schema, and for the owner USE_SCHEMA, SELECT on any schema\.$/,
            );
        }
    });

    it("rejects SELECT on the whole catalog, and writing to gold, by anyone but the run-as identity", async () => {
        const catalogWide = grants({ catalog: "lakestream_dev" }, [
            { principal: "analysts", privileges: ["USE_CATALOG", "USE_SCHEMA", "SELECT"] },
        ]);
        const [wide] = await violationsOf(policy, [job(), catalogWide]);
        assert.match(wide.message, /Found analysts granted USE_SCHEMA, SELECT on catalog lakestream_dev;/);
        const writer = singleGrant({ schema: "lakestream_dev.gold" }, "someone@example.com", ["SELECT", "MODIFY"]);
        const [write] = await violationsOf(policy, [job(), writer]);
        assert.equal(write.urn, writer.urn);
        assert.match(write.message, /Found someone@example\.com granted MODIFY on schema lakestream_dev\.gold;/);
    });

    it("rejects grants beyond gold when the stack has no job naming its run-as identity", async () => {
        const own = grants({ schema: "lakestream_dev.bronze" }, [
            { principal: runAsApplicationId, privileges: pipelinePrivileges },
        ]);
        assert.equal((await violationsOf(policy, [own])).length, 1);
    });

    it("finds the schema through the Schema a grant depends on when its name is unknown during preview", async () => {
        const bronze = schema();
        const pending = grants({ schema: wireUnknown }, [{ principal: "analysts", privileges: ["SELECT"] }], {
            dependencies: [bronze.urn],
        });
        const [violation] = await violationsOf(policy, [job(), bronze, pending]);
        assert.match(violation.message, /Found analysts granted SELECT on schema bronze;/);
    });

    it("says it could not check a grant beyond gold while the run-as identity is unknown (a first deploy)", async () => {
        const leak = grants({ schema: "lakestream_dev.bronze" }, [{ principal: "analysts", privileges: ["SELECT"] }]);
        const deployer = job({ inputs: { runAs: { userName: wireUnknown } } });
        const [advisory, ...rest] = await violationsOf(policy, firstDeploy([deployer, leak]));
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(
            advisory.message,
            /can't run policy 'databricks-grants-gold-only' .* during preview: not checked, unknown until the update runs: whether analysts \(granted SELECT on schema lakestream_dev\.bronze\) is the job's run-as identity$/,
        );
        // Readers on gold need no identity to be judged.
        const gold = grants({ schema: "lakestream_dev.gold" }, [{ principal: "analysts", privileges: ["SELECT"] }]);
        assert.deepEqual(await violationsOf(policy, firstDeploy([deployer, gold])), []);
    });

    it("says it could not check an unknown principal, and still fails the known ones beside it", async () => {
        const mixed = grants({ schema: "lakestream_dev.bronze" }, [
            { principal: wireUnknown, privileges: ["SELECT"] },
            { principal: "analysts", privileges: ["SELECT"] },
        ]);
        const [violation, advisory, ...rest] = await violationsOf(policy, [job(), mixed]);
        assert.deepEqual(rest, []);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.match(violation.message, /Found analysts granted SELECT on schema lakestream_dev\.bronze;/);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(advisory.message, /a principal or its privileges in grants \S+ on schema lakestream_dev\.bronze$/);
    });

    it("on a first deploy (no outputs for grants and job) still finds a reader on bronze from the inputs", async () => {
        const leak = grants({ schema: "lakestream_dev.bronze" }, [{ principal: "analysts", privileges: ["SELECT"] }]);
        const [violation, ...rest] = await violationsOf(policy, firstDeploy([job(), leak]));
        assert.deepEqual(rest, []);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.match(violation.message, /Found analysts granted SELECT on schema lakestream_dev\.bronze;/);
    });

    it("lets the stack exempt a principal and name another gold schema", async () => {
        const debug = grants({ schema: "lakestream_dev.silver" }, [
            { principal: "data-engineers", privileges: ["USE_SCHEMA", "SELECT"] },
        ]);
        assert.deepEqual(
            await violationsOf(policy, [job(), debug], { [policy]: { exemptPrincipals: ["data-engineers"] } }),
            [],
        );
        const reporting = grants({ schema: "lakestream_dev.reporting" }, [
            { principal: "analysts", privileges: ["SELECT"] },
        ]);
        assert.deepEqual(await violationsOf(policy, [job(), reporting], { [policy]: { goldSchema: "reporting" } }), []);
    });

    describe("the stack's owner (the catalog's owner property)", () => {
        const owned = (owner: unknown) => catalog({ inputs: { properties: { owner } } });

        it("may read silver and gold, compared without case", async () => {
            const silver = grants({ schema: "lakestream_dev.silver" }, [
                { principal: runAsApplicationId, privileges: pipelinePrivileges },
                { principal: "Data-Platform@example.com", privileges: ["USE_SCHEMA", "SELECT"] },
            ]);
            const stack = [job(), owned("data-platform@example.com"), silver];
            assert.deepEqual(await violationsOf(policy, stack), []);
            assert.deepEqual(await violationsOf(policy, firstDeploy(stack)), []);
        });

        it("may not write, and no one else reads silver because an owner is set", async () => {
            const writes = grants({ schema: "lakestream_dev.silver" }, [
                { principal: "data-platform@example.com", privileges: ["USE_SCHEMA", "SELECT", "MODIFY"] },
                { principal: "analysts", privileges: ["SELECT"] },
            ]);
            const violations = await violationsOf(policy, [job(), owned("data-platform@example.com"), writes]);
            assert.deepEqual(
                violations.map((violation) => /Found (\S+) granted ([A-Z_, ]+) on/.exec(violation.message)?.slice(1)),
                [
                    ["data-platform@example.com", "MODIFY"],
                    ["analysts", "SELECT"],
                ],
            );
        });

        it("is nobody when the catalog records no owner", async () => {
            const silver = grants({ schema: "lakestream_dev.silver" }, [
                { principal: "data-platform@example.com", privileges: ["SELECT"] },
            ]);
            assert.equal((await violationsOf(policy, [job(), catalog(), silver])).length, 1);
        });

        it("says it could not check while the recorded owner is unknown, and may read only", async () => {
            const silver = grants({ schema: "lakestream_dev.silver" }, [
                { principal: "data-platform@example.com", privileges: ["SELECT"] },
            ]);
            const [advisory, ...rest] = await violationsOf(policy, [job(), owned(wireUnknown), silver]);
            assert.deepEqual(rest, []);
            assert.equal(advisory.enforcementLevel, "advisory");
            assert.match(
                advisory.message,
                /whether data-platform@example\.com \(granted SELECT on schema lakestream_dev\.silver\) is the owner$/,
            );
        });

        it("reads with the privileges the stack allows it", async () => {
            const silver = grants({ schema: "lakestream_dev.silver" }, [
                { principal: "data-platform@example.com", privileges: ["SELECT"] },
            ]);
            const [violation] = await violationsOf(policy, [job(), owned("data-platform@example.com"), silver], {
                [policy]: { ownerPrivileges: ["USE_SCHEMA"] },
            });
            assert.match(
                violation.message,
                /Found data-platform@example\.com granted SELECT on schema lakestream_dev\.silver;/,
            );
        });
    });
});
