// Specs for databricks-catalog-managed-location, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { catalog, compliantStack, replaced, wireUnknown } from "../factories";

const policy = "databricks-catalog-managed-location";

describe(policy, () => {
    it("accepts a catalog under the stack's external location", async () => {
        assert.deepEqual(await violationsOf(policy, compliantStack()), []);
    });

    it("accepts a storageRoot unknown at a first preview, before the external location exists", async () => {
        const pending = catalog({ inputs: { storageRoot: wireUnknown } });
        assert.deepEqual(await violationsOf(policy, replaced(compliantStack(), pending)), []);
    });

    it("rejects a catalog without storageRoot, naming the error CREATE CATALOG would give", async () => {
        const bare = catalog({ inputs: { storageRoot: undefined } });
        const [violation, ...rest] = await violationsOf(policy, replaced(compliantStack(), bare));
        assert.equal(rest.length, 0);
        assert.equal(violation.urn, bare.urn);
        assert.match(
            violation.message,
            /Found a catalog without storageRoot; CREATE CATALOG then fails with "Metastore/,
        );
        assert.match(violation.message, /lakestream:catalog\.storageRoot or lakestream:catalog\.externalLocation/);
    });

    it("rejects an empty storageRoot", async () => {
        const empty = catalog({ inputs: { storageRoot: "" } });
        assert.equal((await violationsOf(policy, [empty])).length, 1);
    });

    it("accepts no storageRoot where the stack's config says the metastore has root storage", async () => {
        const bare = catalog({ inputs: { storageRoot: undefined } });
        assert.deepEqual(await violationsOf(policy, [bare], { [policy]: { allowMetastoreStorage: true } }), []);
    });

    it("leaves foreign and shared catalogs alone, which keep no managed tables", async () => {
        const foreign = catalog({ inputs: { storageRoot: undefined, connectionName: "postgres" } });
        const shared = catalog({ name: "shared", inputs: { storageRoot: undefined, providerName: "partner" } });
        assert.deepEqual(await violationsOf(policy, [foreign, shared]), []);
    });
});
