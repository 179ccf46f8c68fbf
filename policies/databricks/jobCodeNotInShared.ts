// Keeps a job's notebooks and files out of /Shared, where every workspace user may change the code that reads the key.
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asString, elementsOf, isRecord, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        forbiddenFolders: {
            type: "array",
            items: { type: "string" },
            default: ["/Shared"],
            description: "Workspace folders a job's code must not live under (every user has CAN_MANAGE on /Shared).",
        },
    },
};

/** Workspace paths are written with or without the /Workspace prefix; compare them without it. */
function normalize(path: string): string {
    return path.replace(/^\/Workspace(?=\/)/, "").replace(/\/+$/, "");
}

/** The workspace paths a job runs or uploads: its tasks' notebooks and Python files, and the code it depends on. */
function codePathsOf(job: PolicyResource): string[] {
    const paths: string[] = [];
    const add = (value: unknown) => {
        if (typeof value === "string" && value.startsWith("/")) {
            paths.push(value);
        }
    };
    const tasks = elementsOf(() => job.props.tasks);
    if (!isUnknown(tasks)) {
        for (const task of tasks) {
            if (!isRecord(task)) {
                continue;
            }
            // Code from a Git source is a relative path in the repository, not a workspace path.
            const notebook = known(() => task.notebookTask);
            if (isRecord(notebook) && known(() => notebook.source) !== "GIT") {
                add(known(() => notebook.notebookPath));
            }
            const python = known(() => task.sparkPythonTask);
            if (isRecord(python) && known(() => python.source) !== "GIT") {
                add(known(() => python.pythonFile));
            }
        }
    }
    const codeTypes: string[] = [ResourceTypes.notebook, ResourceTypes.workspaceFile, ResourceTypes.directory];
    for (const dependency of job.dependencies) {
        if (codeTypes.includes(dependency.type)) {
            add(known(() => asString(dependency.props.path)));
        }
    }
    return [...new Set(paths)];
}

export const jobCodeNotInShared: StackValidationPolicy = {
    name: "databricks-job-code-not-in-shared",
    description:
        "The workspace code a Databricks job runs lives outside /Shared, where any workspace user can edit it.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const { forbiddenFolders } = settingsOf<{ forbiddenFolders: string[] }>(args, configSchema);
        const forbidden = forbiddenFolders.map(normalize);
        for (const job of args.resources.filter((resource) => resource.type === ResourceTypes.job)) {
            const shared = codePathsOf(job).filter((path) =>
                forbidden.some((folder) => normalize(path) === folder || normalize(path).startsWith(`${folder}/`)),
            );
            if (shared.length > 0) {
                const shown =
                    shared.slice(0, 3).join(", ") + (shared.length > 3 ? ` and ${shared.length - 3} more` : "");
                reportViolation(
                    `Found job ${job.name} running code under ${forbiddenFolders.join(", ")}: ${shown}; allowed: a ` +
                        `folder only the run-as identity and admins manage.`,
                    job.urn,
                );
            }
        }
    },
};
