// Building blocks the section schemas and their cross-field rules share.
import { z } from "zod";

export const projectNamespace = "lakestream";

export const intBetween = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * A boolean as YAML writes it or as the Pulumi CLI rewrites it: `pulumi stack init` and `pulumi config set` store
 * top-level values as strings, so `true` comes back as `"true"`.
 */
export const configBoolean = () =>
    z.preprocess((value) => (value === "true" ? true : value === "false" ? false : value), z.boolean());

/** A GUID, as Microsoft Entra ID and Databricks write application and subscription ids. */
export const guidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** An address failure notifications can go to; the owner is one only when it matches too. */
export const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A problem found by a rule that spans several keys: the key to name, and what is wrong with its value. */
export interface CrossFieldProblem {
    path: (string | number)[];
    message: string;
}

/**
 * A rule that relates several keys. It reads the raw values defensively, so that it runs and reports even when other
 * keys are malformed: one run of the program names every problem.
 */
export type CrossFieldRule = (raw: Record<string, unknown>) => CrossFieldProblem[];

export function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

/** The value as an object to read keys from, or {} when it is not one. */
export function record(value: unknown): Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : {};
}
