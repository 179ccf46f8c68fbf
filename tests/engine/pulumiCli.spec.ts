// Specs for finding the pinned pulumi CLI: the version from go.mod, the cache key, a user's own CLI, a missing Go.
import { strict as assert } from "node:assert";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
    cachedCliDir,
    cliModuleDir,
    compareVersions,
    ensureCli,
    EngineUnavailable,
    findCli,
    goVersion,
    pinnedCliVersion,
} from "../../src/engine/pulumiCli";

/** A copy of the CLI's Go module files, so a test can change them. */
function moduleCopy(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "engine-module-"));
    for (const file of ["go.mod", "go.sum"]) {
        copyFileSync(path.join(cliModuleDir, file), path.join(dir, file));
    }
    return dir;
}

/** A folder holding one executable script named `name` that prints `output`. */
function fakeCommand(name: string, output: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "engine-bin-"));
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho "${output}"\n`);
    chmodSync(file, 0o755);
    return dir;
}

describe("the pinned pulumi CLI", () => {
    it("takes its version from the Go module's requirement on pkg/v3", () => {
        const goMod = readFileSync(path.join(cliModuleDir, "go.mod"), "utf8");
        const required = /github\.com\/pulumi\/pulumi\/pkg\/v3 v([\d.]+)/.exec(goMod)![1];
        assert.equal(pinnedCliVersion(), required);
        assert.match(goMod, /^tool github\.com\/pulumi\/pulumi\/pkg\/v3\/cmd\/pulumi$/m);
    });

    it("refuses a go.mod that does not require pkg/v3, naming the file", () => {
        const dir = moduleCopy();
        writeFileSync(path.join(dir, "go.mod"), "module example\n\ngo 1.26\n");
        assert.throws(() => pinnedCliVersion(dir), /go\.mod does not require github\.com\/pulumi\/pulumi\/pkg\/v3/);
    });

    it("keys the cache outside the clone by version and go.sum, so another dependency set is another build", () => {
        const cache = mkdtempSync(path.join(tmpdir(), "engine-cache-"));
        const env = { ...process.env, XDG_CACHE_HOME: cache };
        const dir = moduleCopy();
        const before = cachedCliDir(dir, env);
        assert.ok(before.startsWith(path.join(cache, "lakestream", `pulumi-v${pinnedCliVersion()}-`)), before);
        assert.equal(cachedCliDir(moduleCopy(), env), before, "the same files give the same key");
        writeFileSync(path.join(dir, "go.sum"), `${readFileSync(path.join(dir, "go.sum"), "utf8")}\n`);
        assert.notEqual(cachedCliDir(dir, env), before);
    });

    it("compares dotted versions numerically", () => {
        assert.ok(compareVersions("1.26.6", "1.26.10") < 0);
        assert.ok(compareVersions("1.27", "1.26.6") > 0);
        assert.equal(compareVersions("1.26.6", "1.26.6"), 0);
    });

    it("uses a pulumi of the pinned version on the PATH, as a user's own install", async () => {
        const bin = fakeCommand("pulumi", `v${pinnedCliVersion()}`);
        const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
        assert.deepEqual(findCli({ env }), { version: pinnedCliVersion(), source: "path" });
        assert.deepEqual(await ensureCli({ env }), { version: pinnedCliVersion(), source: "path" });
    });

    it("ignores a pulumi of another version on the PATH and looks in the cache", () => {
        const bin = fakeCommand("pulumi", "v3.100.0");
        const cache = mkdtempSync(path.join(tmpdir(), "engine-cache-"));
        const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, XDG_CACHE_HOME: cache };
        assert.equal(findCli({ env }), undefined);
        const root = cachedCliDir(cliModuleDir, env);
        mkdirSync(path.join(root, "bin"), { recursive: true });
        writeFileSync(path.join(root, "bin", "pulumi"), "");
        assert.deepEqual(findCli({ env }), { root, version: pinnedCliVersion(), source: "cache" });
    });

    it("says what to install when it must build and there is no Go", async () => {
        const cache = mkdtempSync(path.join(tmpdir(), "engine-cache-"));
        const env = { PATH: mkdtempSync(path.join(tmpdir(), "engine-empty-path-")), XDG_CACHE_HOME: cache };
        await assert.rejects(
            ensureCli({ env, log: () => assert.fail("no build may start") }),
            (error: Error) =>
                error instanceof EngineUnavailable &&
                /needs Go 1\.26\.6 or later, and no "go" is on the PATH: install it/.test(error.message) &&
                error.message.includes(`pulumi CLI v${pinnedCliVersion()} on the PATH`),
        );
    });

    it("refuses a Go older than the one pkg/v3 needs, naming both versions", () => {
        const bin = fakeCommand("go", "go version go1.25.3 linux/amd64");
        assert.throws(
            () => goVersion({ PATH: bin }),
            /needs Go 1\.26\.6 or later \(found 1\.25\.3\): upgrade Go or put a pulumi CLI v[\d.]+ on the PATH/,
        );
        assert.equal(goVersion({ PATH: fakeCommand("go", "go version go1.26.8 linux/amd64") }), "1.26.8");
    });
});
