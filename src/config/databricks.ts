// The `lakestream:databricks` section: the workspace the stack uses or creates, and the folder its code goes to.
import { z } from "zod";
import { record, type CrossFieldRule } from "./fields";

export const databricksSchema = z
    .object({
        workspaceUrl: z
            .string()
            .regex(/^https:\/\/[A-Za-z0-9.-]+\/?$/, {
                error: "must be an https URL such as https://adb-123.4.azuredatabricks.net",
            })
            .optional(),
        workspaceName: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, {
                error: "must be 3-64 letters, digits, dashes or underscores",
            })
            .optional(),
        managedResourceGroupName: z
            .string()
            .regex(/^[A-Za-z0-9._()-]{1,90}$/, { error: "must be a resource group name" })
            .optional(),
        workspaceFolder: z
            .string()
            .regex(/^(\/[A-Za-z0-9._ -]+)+$/, {
                error: "must be an absolute workspace folder such as /lakestream/dev: letters, digits, dots, dashes, underscores, spaces",
            })
            .optional(),
    })
    .strict();

function existingOrNewWorkspace(raw: Record<string, unknown>) {
    const workspace = record(raw.databricks);
    return workspace.workspaceUrl !== undefined && workspace.workspaceName !== undefined
        ? [
              {
                  path: ["databricks", "workspaceName"],
                  message: "and databricks.workspaceUrl are exclusive: use an existing workspace or create one",
              },
          ]
        : [];
}

export const databricksRules: CrossFieldRule[] = [existingOrNewWorkspace];
