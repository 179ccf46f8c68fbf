// Where the Power BI project finds gold: the `powerBi` output of a deployed stack, or of the offline plan.
import * as pulumi from "@pulumi/pulumi";
import { UsageError } from "../shared/cli";
import { requireOutput, type LakestreamStackOutputs } from "../shared/stackOutputs";
import type { GoldConnection } from "./project";

const fields = ["host", "httpPath", "catalog", "schema", "table"] as const;

/** The text that stands for a value only `pulumi up` knows, e.g. `<powerBi.httpPath from pulumi up>`. */
export function placeholder(field: (typeof fields)[number]): string {
    return `<powerBi.${field} from pulumi up>`;
}

/** Whether `value` is one of our placeholders. */
export function isPlaceholder(value: string): boolean {
    return /^<powerBi\.\w+ from pulumi up>$/.test(value);
}

/** The connection from a deployed stack's outputs; a missing output or field is a UsageError that says which. */
export function connectionFromOutputs(outputs: Partial<LakestreamStackOutputs>, stack: string): GoldConnection {
    const powerBi = requireOutput(outputs, "powerBi", stack) as unknown;
    if (powerBi === null || typeof powerBi !== "object" || Array.isArray(powerBi)) {
        throw new UsageError(`output "powerBi" of stack "${stack}" must be an object with ${fields.join(", ")}`);
    }
    const record = powerBi as Record<string, unknown>;
    const missing = fields.filter((field) => typeof record[field] !== "string" || record[field] === "");
    if (missing.length > 0) {
        throw new UsageError(
            `output "powerBi" of stack "${stack}" has no ${missing.map((f) => `"${f}"`).join(", ")}; ` +
                `run "pulumi up" for that stack first (fields present: ${Object.keys(record).join(", ") || "none"})`,
        );
    }
    const connection = Object.fromEntries(
        fields.map((field) => [field, record[field] as string]),
    ) as unknown as GoldConnection;
    // A host with a scheme or a path is not what the connector's Server field takes.
    if (!/^[A-Za-z0-9.-]+$/.test(connection.host)) {
        throw new UsageError(
            `output "powerBi.host" of stack "${stack}" must be a host name without scheme (got "${connection.host}")`,
        );
    }
    // The table names a file and a folder entry of the project.
    if (!/^[A-Za-z0-9_]+$/.test(connection.table)) {
        throw new UsageError(
            `output "powerBi.table" of stack "${stack}" must be letters, digits and "_" (got "${connection.table}")`,
        );
    }
    if (!connection.httpPath.startsWith("/")) {
        throw new UsageError(
            `output "powerBi.httpPath" of stack "${stack}" must start with "/" (got "${connection.httpPath}")`,
        );
    }
    return connection;
}

/**
 * The connection from a plan's outputs (engine wire form): values the plan knows are kept, values known only after
 * `pulumi up` (unknown in a first-deploy preview) become placeholders named as such.
 */
export function connectionFromPlan(
    outputs: Record<string, unknown>,
    stack: string,
): { connection: GoldConnection; placeholders: string[] } {
    const powerBi = outputs.powerBi;
    if (powerBi === null || typeof powerBi !== "object") {
        throw new UsageError(`the plan of stack "${stack}" has no output "powerBi"`);
    }
    const record = powerBi as Record<string, unknown>;
    const placeholders: string[] = [];
    const connection = Object.fromEntries(
        fields.map((field) => {
            const value = record[field];
            if (value === undefined || value === pulumi.runtime.unknownValue) {
                placeholders.push(field);
                return [field, placeholder(field)];
            }
            if (typeof value === "string" && value !== "") {
                return [field, value];
            }
            throw new UsageError(`the plan of stack "${stack}" has output "powerBi.${field}" that is not text`);
        }),
    ) as unknown as GoldConnection;
    if (placeholders.includes("table")) {
        // The table names a file of the project; a placeholder cannot.
        throw new UsageError(
            `the plan of stack "${stack}" does not know the gold table's name (output "powerBi.table")`,
        );
    }
    return { connection, placeholders };
}
