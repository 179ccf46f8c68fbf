// Finds the pinned pulumi CLI: a user's own on the PATH, else one built from the Go module proxy and cached by version.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const repositoryRoot = path.resolve(__dirname, "..", "..");
/** The Go module that builds the CLI; its go.mod pins the version and go.sum every dependency. */
export const cliModuleDir = path.join(repositoryRoot, "engine", "cli");
/** The oldest Go that builds pkg/v3 at the pinned version (its go.mod's `go` line). */
export const minimumGo = "1.26.6";

/** The failure of a CLI build or of a missing toolchain; `npm run preview:engine` exits with its own code on it. */
export class EngineUnavailable extends Error {
    constructor(message: string) {
        super(message);
        this.name = "EngineUnavailable";
    }
}

/** The CLI version go.mod pins, e.g. "3.274.1". */
export function pinnedCliVersion(moduleDir = cliModuleDir): string {
    const goMod = readFileSync(path.join(moduleDir, "go.mod"), "utf8");
    const version = /github\.com\/pulumi\/pulumi\/pkg\/v3 v(\d+\.\d+\.\d+)/.exec(goMod)?.[1];
    if (version === undefined) {
        throw new Error(`${path.join(moduleDir, "go.mod")} does not require github.com/pulumi/pulumi/pkg/v3`);
    }
    return version;
}

/** Where built CLIs are kept: outside any clone, so a fresh clone on the same machine reuses the build. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
    return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "lakestream");
}

/** The cached CLI's folder, keyed by version and go.sum: another pin or another dependency set is another build. */
export function cachedCliDir(moduleDir = cliModuleDir, env: NodeJS.ProcessEnv = process.env): string {
    const goSum = createHash("sha256")
        .update(readFileSync(path.join(moduleDir, "go.sum")))
        .digest("hex")
        .slice(0, 12);
    return path.join(cacheRoot(env), `pulumi-v${pinnedCliVersion(moduleDir)}-${goSum}`);
}

/** Compares dotted versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
    const left = a.split(".").map(Number);
    const right = b.split(".").map(Number);
    for (let index = 0; index < Math.max(left.length, right.length); index++) {
        const difference = (left[index] ?? 0) - (right[index] ?? 0);
        if (difference !== 0) {
            return difference;
        }
    }
    return 0;
}

/** The version a `pulumi` on the PATH reports, or undefined when there is none. */
function pathCliVersion(env: NodeJS.ProcessEnv): string | undefined {
    try {
        return execFileSync("pulumi", ["version"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
            .trim()
            .replace(/^v/, "");
    } catch {
        return undefined;
    }
}

/** The Go toolchain's version, or an EngineUnavailable saying what to install. */
export function goVersion(env: NodeJS.ProcessEnv = process.env): string {
    let output: string;
    try {
        output = execFileSync("go", ["version"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch {
        throw new EngineUnavailable(
            `building the pulumi CLI needs Go ${minimumGo} or later, and no "go" is on the PATH: install it ` +
                `(https://go.dev/doc/install) or put a pulumi CLI v${pinnedCliVersion()} on the PATH`,
        );
    }
    const version = /go(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
    if (version === undefined || compareVersions(version, minimumGo) < 0) {
        throw new EngineUnavailable(
            `building the pulumi CLI needs Go ${minimumGo} or later (found ${version ?? output.trim()}): upgrade Go ` +
                `or put a pulumi CLI v${pinnedCliVersion()} on the PATH`,
        );
    }
    return version;
}

/** Where the CLI comes from: the PATH (a user's own install) or this project's build cache. */
export interface CliLocation {
    /** Folder whose `bin/pulumi` is the CLI, as the Automation API's PulumiCommand expects; undefined for the PATH. */
    root?: string;
    version: string;
    source: "path" | "cache" | "built";
}

/** The pinned CLI where one exists already (the PATH first, then the build cache); undefined when it must be built. */
export function findCli(options: { env?: NodeJS.ProcessEnv; moduleDir?: string } = {}): CliLocation | undefined {
    const env = options.env ?? process.env;
    const moduleDir = options.moduleDir ?? cliModuleDir;
    const version = pinnedCliVersion(moduleDir);
    if (pathCliVersion(env) === version) {
        return { version, source: "path" };
    }
    const root = cachedCliDir(moduleDir, env);
    return existsSync(path.join(root, "bin", "pulumi")) ? { root, version, source: "cache" } : undefined;
}

/**
 * The pinned CLI, building it on first need. `log` gets a progress line before a build (which takes minutes cold).
 * Throws EngineUnavailable when it cannot be had.
 */
export async function ensureCli(
    options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; moduleDir?: string } = {},
): Promise<CliLocation> {
    const env = options.env ?? process.env;
    const moduleDir = options.moduleDir ?? cliModuleDir;
    const found = findCli({ env, moduleDir });
    if (found !== undefined) {
        return found;
    }
    const version = pinnedCliVersion(moduleDir);
    const root = cachedCliDir(moduleDir, env);
    goVersion(env);
    const log = options.log ?? ((line: string) => console.error(line));
    log(
        `building the pulumi CLI v${version} from the Go module proxy into ${root} ` +
            "(once per version: minutes from a cold Go cache, seconds from a warm one)",
    );
    // Built aside and renamed into place, so that an interrupted build never leaves a broken binary in the cache.
    const partial = `${root}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(path.join(partial, "bin"), { recursive: true });
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
        const build = spawn(
            "go",
            [
                "build",
                "-trimpath",
                "-ldflags",
                // The Automation API checks the CLI's version, which a plain build leaves unset.
                `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}`,
                "-o",
                path.join(partial, "bin", "pulumi"),
                "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
            ],
            // -mod=mod lets go resolve the module graph from go.mod and go.sum without a vendor folder.
            { cwd: moduleDir, env: { ...env, GOFLAGS: "-mod=mod" }, stdio: ["ignore", "inherit", "inherit"] },
        );
        build.on("error", reject);
        build.on("exit", (code) =>
            code === 0 ? resolve() : reject(new EngineUnavailable(`go build of the pulumi CLI failed (exit ${code})`)),
        );
    }).catch((error: unknown) => {
        rmSync(partial, { recursive: true, force: true });
        throw error instanceof EngineUnavailable ? error : new EngineUnavailable((error as Error).message);
    });
    rmSync(root, { recursive: true, force: true });
    renameSync(partial, root);
    log(`built the pulumi CLI v${version} in ${Math.round((Date.now() - started) / 1000)} s`);
    return { root, version, source: "built" };
}
