// WorkspaceAccess under the mock runtime: who the pipeline runs as, for each way of configuring it, and reader groups.
import { strict as assert } from "node:assert";
import * as components from "../../components";
import { mockDeployingServicePrincipal } from "../../src/plan/mockCloud";
import { ofType, recordResources, rejectionOf, settle, typesAndNames, valueOf, type RecordedResource } from "./harness";

const appId = "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c";

describe("WorkspaceAccess", function () {
    let recorded: RecordedResource[];

    describe("on a workspace the stack creates", function () {
        beforeEach(async function () {
            recorded = await recordResources();
        });

        it("runs as the deploying user when nothing is configured, assigning nothing", async function () {
            const access = new components.WorkspaceAccess("ls", { membership: "assign" });
            assert.equal(await valueOf(access.runAs.kind), "user");
            assert.equal(await valueOf(access.runAs.name), "deployer@example.com");
            assert.equal(access.runAs.isDeployer, true);
            await settle();
            assert.deepEqual(recorded, []);
        });

        it("assigns a run-as service principal and each reader group to the workspace as users", async function () {
            const access = new components.WorkspaceAccess("ls", {
                runAs: { servicePrincipal: appId },
                readerGroups: ["analysts", "Field Ops"],
                membership: "assign",
            });
            assert.equal(await valueOf(access.runAs.kind), "servicePrincipal");
            assert.equal(await valueOf(access.runAs.name), appId);
            assert.equal(access.runAs.isDeployer, false);
            assert.deepEqual(await Promise.all(access.readerGroups.map(valueOf)), ["analysts", "Field Ops"]);
            await settle();
            assert.deepEqual(typesAndNames(recorded), [
                "databricks:index/permissionAssignment:PermissionAssignment ls-reader-analysts",
                "databricks:index/permissionAssignment:PermissionAssignment ls-reader-field-ops",
                "databricks:index/permissionAssignment:PermissionAssignment ls-run-as",
            ]);
            const byName = Object.fromEntries(recorded.map((resource) => [resource.name, resource.inputs]));
            assert.deepEqual(byName["ls-run-as"], { servicePrincipalName: appId, permissions: ["USER"] });
            assert.deepEqual(byName["ls-reader-field-ops"], { groupName: "Field Ops", permissions: ["USER"] });
        });

        it("names the assignments of groups whose names differ only in case and punctuation apart", async function () {
            new components.WorkspaceAccess("ls", { readerGroups: ["Field Ops", "field-ops"], membership: "assign" });
            await settle();
            assert.deepEqual(typesAndNames(recorded), [
                "databricks:index/permissionAssignment:PermissionAssignment ls-reader-field-ops",
                "databricks:index/permissionAssignment:PermissionAssignment ls-reader-field-ops-1",
            ]);
        });

        it("runs as a named user without assigning it (a user is the deployer or already a member)", async function () {
            const access = new components.WorkspaceAccess("ls", {
                runAs: { user: "runner@example.com" },
                membership: "assign",
            });
            assert.equal(await valueOf(access.runAs.kind), "user");
            assert.equal(await valueOf(access.runAs.name), "runner@example.com");
            assert.equal(access.runAs.isDeployer, false);
            await settle();
            assert.deepEqual(recorded, []);
        });
    });

    describe("when CI deploys as a service principal", function () {
        beforeEach(async function () {
            recorded = await recordResources("test", { deployer: "servicePrincipal" });
        });

        it("runs as that service principal by application id", async function () {
            const access = new components.WorkspaceAccess("ls", {});
            assert.equal(await valueOf(access.runAs.kind), "servicePrincipal");
            assert.equal(await valueOf(access.runAs.name), mockDeployingServicePrincipal);
            assert.deepEqual(await valueOf(components.jobRunAs(access.runAs)), {
                servicePrincipalName: mockDeployingServicePrincipal,
            });
        });
    });

    describe("on an existing workspace", function () {
        beforeEach(async function () {
            recorded = await recordResources("test", { visibleGroups: ["analysts"] });
        });

        it("uses a run-as service principal as it is, and accepts a reader group the workspace can see", async function () {
            const access = new components.WorkspaceAccess("ls", {
                runAs: { servicePrincipal: appId },
                readerGroups: ["analysts"],
            });
            assert.equal(await valueOf(access.runAs.name), appId);
            assert.deepEqual(await Promise.all(access.readerGroups.map(valueOf)), ["analysts"]);
            await settle();
            assert.equal(ofType(recorded, "databricks:index/permissionAssignment:PermissionAssignment").length, 0);
        });

        it("fails with how to create and assign a reader group the workspace cannot see", async function () {
            const access = new components.WorkspaceAccess("ls", { readerGroups: ["analysts", "auditors"] });
            assert.equal(await valueOf(access.readerGroups[0]), "analysts");
            const error = await rejectionOf(access.readerGroups[1]);
            assert.match(
                error.message,
                /^reader group "auditors" is not visible to the workspace \(cannot find group: auditors\)\./,
            );
            assert.match(error.message, /account console \(User management > Groups > Add group\)/);
            assert.match(
                error.message,
                /assign it to this workspace \(workspace Settings > Identity and access > Groups > Add group/,
            );
            assert.match(error.message, /A workspace-local group is not enough/);
        });
    });
});
