// Keeps a job's notebooks and files out of /Shared, where every workspace user may change the code that reads the key.
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { propsOf, stackPropsOf, type StackRun } from "../lib/keptInputs";
import { asString, elementsOf, isRecord, isUnknown, known, PreviewGaps } from "../lib/read";
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

/**
 * The workspace paths a job runs or uploads: its tasks' notebooks and Python files, and the code it depends on. What
 * is unknown during preview goes to `gaps`.
 */
function codePathsOf(job: PolicyResource, args: StackRun, gaps: PreviewGaps): string[] {
    const paths: string[] = [];
    const add = (value: unknown, where: string) => {
        if (isUnknown(value)) {
            gaps.add(where);
        } else if (typeof value === "string" && value.startsWith("/")) {
            paths.push(value);
        }
    };
    const { props, source } = stackPropsOf(job, args);
    if (source === "none") {
        gaps.add(`the tasks of job ${job.name} (no outputs and no inputs seen)`);
    }
    const tasks = elementsOf(() => props.tasks);
    if (isUnknown(tasks)) {
        gaps.add(`the tasks of job ${job.name}`);
    } else {
        tasks.forEach((task, index) => {
            if (isUnknown(task)) {
                gaps.add(`job ${job.name} tasks[${index}]`);
                return;
            }
            if (!isRecord(task)) {
                return;
            }
            // Code from a Git source is a relative path in the repository, not a workspace path.
            const notebook = known(() => task.notebookTask);
            if (isUnknown(notebook)) {
                gaps.add(`job ${job.name} tasks[${index}].notebookTask`);
            } else if (isRecord(notebook) && known(() => notebook.source) !== "GIT") {
                add(
                    known(() => notebook.notebookPath),
                    `job ${job.name} tasks[${index}].notebookTask.notebookPath`,
                );
            }
            const python = known(() => task.sparkPythonTask);
            if (isUnknown(python)) {
                gaps.add(`job ${job.name} tasks[${index}].sparkPythonTask`);
            } else if (isRecord(python) && known(() => python.source) !== "GIT") {
                add(
                    known(() => python.pythonFile),
                    `job ${job.name} tasks[${index}].sparkPythonTask.pythonFile`,
                );
            }
        });
    }
    const codeTypes: string[] = [ResourceTypes.notebook, ResourceTypes.workspaceFile, ResourceTypes.directory];
    for (const dependency of job.dependencies) {
        if (codeTypes.includes(dependency.type)) {
            const path = known(() => asString(propsOf(dependency, args).path));
            add(path, `the path of ${dependency.name}`);
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
        const gaps = new PreviewGaps();
        for (const job of args.resources.filter((resource) => resource.type === ResourceTypes.job)) {
            const shared = codePathsOf(job, args, gaps).filter((path) =>
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
        gaps.throwIfAny();
    },
};
