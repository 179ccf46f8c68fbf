// Specs for cleanup-azure-required-tags, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { eventHub, namespace, resourceGroup, wireUnknown } from "../factories";

const policy = "cleanup-azure-required-tags";

describe(policy, () => {
    it("accepts tagged resource groups and namespaces, and ignores hubs, which take no tags", async () => {
        assert.deepEqual(await violationsOf(policy, [resourceGroup(), namespace(), eventHub()]), []);
    });

    it("rejects a namespace without tags and a resource group with an empty owner", async () => {
        const bare = namespace({ inputs: { tags: undefined } });
        const blank = resourceGroup({ inputs: { tags: { owner: " ", environment: "dev" } } });
        const [first, second] = await violationsOf(policy, [bare, blank]);
        assert.match(first.message, /Found tags \[\], missing owner, environment; required: owner, environment\./);
        assert.match(second.message, /missing owner;/);
    });

    it("skips tags unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [namespace({ inputs: { tags: wireUnknown } })]), []);
    });
});
