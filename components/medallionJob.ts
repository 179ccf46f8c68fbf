// MedallionJob: uploads the notebooks of the chosen stream layout and their runtime modules, keeps the Listen key in a
// secret scope, and defines the streaming job on its own job cluster, with failure notifications and backlog rules.
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import { defaultNodeType } from "./clusterSpec";
import { type MedallionLayer } from "./medallionCatalog";
import {
    jobArgsProblem,
    jobClusters,
    jobDefinition,
    jobTasks,
    listenSecretKey,
    plannedUploads,
    resolveJobSettings,
    streamTasks,
    workspaceFolderPath,
    type JobClusterArgs,
    type JobSettings,
} from "./medallionJobPlan";
import { accessControlFor, jobRunAs, type RunAsIdentity } from "./runAs";

export interface MedallionJobArgs extends JobSettings {
    /** Shape of the job cluster. Defaults to a single node of the default runtime and node type. */
    jobCluster?: JobClusterArgs;
    /** All-purpose cluster the tasks run on instead of a job cluster (costs the all-purpose rate). Defaults to none. */
    interactiveClusterId?: pulumi.Input<string>;
    /** Workspace URL, for the job's link. */
    workspaceUrl: pulumi.Input<string>;
    /** Local folder holding the notebooks (pipeline.py, or bronze.py, silver.py, gold.py) and the `medallion` package. */
    notebooksDir: string;
    /**
     * Workspace folder the notebooks and their module are uploaded to, one per stack. The component creates it and
     * makes the run-as identity its only manager besides workspace admins, so nobody else can change the code that
     * reads the Event Hubs key. The permissions replace the creator's own, so the deploying identity must be a
     * workspace admin (or the run-as identity) to upload the code.
     */
    workspaceFolder: string;
    /** The identity the job runs as: it may read the secret scope, manage the code folder and own the job cluster. */
    runAs: RunAsIdentity;
    /** Catalog the tables live in. */
    catalogName: pulumi.Input<string>;
    /** Schema of each layer. */
    schemaNames: Record<MedallionLayer, pulumi.Input<string>>;
    /** `/Volumes/...` path for stream checkpoints. */
    checkpointVolumePath: pulumi.Input<string>;
    /** Listen-only Event Hubs connection string with EntityPath; stored in the secret scope, never a parameter. */
    listenConnectionString: pulumi.Input<string>;
    /** Name of the secret scope. Defaults to the component name. */
    secretScopeName?: string;
    /** Consumer group the bronze stream reads through. Defaults to "$Default", the only one on the Basic tier. */
    consumerGroup?: pulumi.Input<string>;
    /** Tags of the job and its cluster. Defaults to none. */
    tags?: Record<string, string>;
    /**
     * What a look-up through the workspace's provider waits for (DatabricksWorkspace.lookupDependsOn): the Azure
     * workspace when the stack creates it. Defaults to none, right for an existing workspace.
     */
    workspaceDependsOn?: pulumi.CustomResource[];
}

export class MedallionJob extends pulumi.ComponentResource {
    /** Id of the job. */
    public readonly jobId: pulumi.Output<string>;
    /** Link to the job in the workspace. */
    public readonly jobUrl: pulumi.Output<string>;
    /** Secret scope holding the Listen connection string. */
    public readonly secretScope: pulumi.Output<string>;
    /** Workspace path of each notebook, by the key of the task that runs it (`pipeline`, or `bronze`, `silver`, `gold`). */
    public readonly notebookPaths: Record<string, pulumi.Output<string>>;
    /** The workspace folder holding the notebooks and their module. */
    public readonly workspaceFolder: pulumi.Output<string>;

    constructor(name: string, args: MedallionJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:pipeline:MedallionJob", name, {}, opts);

        const settings = resolveJobSettings(args);
        const cluster = args.jobCluster ?? {};
        const problem = jobArgsProblem(settings, cluster, args.workspaceFolder);
        if (problem !== undefined) {
            throw new pulumi.ResourceError(problem, this);
        }
        const folder = workspaceFolderPath(args.workspaceFolder);

        const scope = new databricks.SecretScope(
            `${name}-scope`,
            { name: args.secretScopeName ?? name },
            { parent: this },
        );
        new databricks.Secret(
            `${name}-listen`,
            { scope: scope.name, key: listenSecretKey, stringValue: pulumi.secret(args.listenConnectionString) },
            { parent: this },
        );
        // The run-as identity reads the key and nothing else; the scope's creator (the deployer) manages it already,
        // and a READ for the deployer itself would lower its MANAGE, so there is no entry when they are the same.
        const secretAcls = args.runAs.isDeployer
            ? []
            : [
                  new databricks.SecretAcl(
                      `${name}-scope-read`,
                      { scope: scope.name, principal: args.runAs.name, permission: "READ" },
                      { parent: this },
                  ),
              ];

        // The code lives in its own folder, never /Shared where every workspace user has CAN_MANAGE. Databricks
        // refuses ACL entries for the admins group (they manage everything anyway), so the run-as identity is the
        // only entry; the permissions are set before any code lands in the folder.
        const directory = new databricks.Directory(
            `${name}-folder`,
            { path: folder, deleteRecursive: true },
            { parent: this },
        );
        const folderPermissions = new databricks.Permissions(
            `${name}-folder-permissions`,
            { directoryPath: directory.path, accessControls: [accessControlFor(args.runAs, "CAN_MANAGE")] },
            { parent: this },
        );

        const streams = streamTasks(settings, {
            catalogName: args.catalogName,
            schemaNames: args.schemaNames,
            checkpointVolumePath: args.checkpointVolumePath,
            secretScope: scope.name,
            consumerGroup: args.consumerGroup,
        });
        const uploads = plannedUploads(
            args.notebooksDir,
            folder,
            streams.map((task) => task.key),
        );
        const notebooks = Object.fromEntries(
            uploads.notebooks.map((notebook) => [
                notebook.name,
                new databricks.Notebook(
                    `${name}-${notebook.name}-notebook`,
                    { path: notebook.path, source: notebook.source, language: "PYTHON" },
                    { parent: this, dependsOn: [folderPermissions] },
                ),
            ]),
        ) as Record<string, databricks.Notebook>;
        const notebookPaths = Object.fromEntries(streams.map((task) => [task.key, notebooks[task.key].path]));
        const moduleFiles = uploads.modules.map(
            (file) =>
                new databricks.WorkspaceFile(
                    `${name}-module-${file.name}`,
                    { path: file.path, source: file.source },
                    { parent: this, dependsOn: [folderPermissions] },
                ),
        );

        const nodeTypeId = cluster.nodeType ?? defaultNodeType(this, args.workspaceDependsOn);
        const onInteractive = args.interactiveClusterId !== undefined;
        const job = new databricks.Job(
            `${name}-job`,
            jobDefinition(settings, {
                name,
                jobClusters: onInteractive
                    ? undefined
                    : jobClusters(settings, {
                          ...cluster,
                          nodeTypeId,
                          singleUserName: args.runAs.name,
                          tags: args.tags,
                      }),
                // The paths as uploaded, known before the workspace exists, so that the guardrail on where job code
                // lives checks them on a first deploy; the job depends on the notebooks, so they are uploaded first.
                tasks: jobTasks(
                    settings,
                    streams,
                    Object.fromEntries(uploads.notebooks.map((notebook) => [notebook.name, notebook.path])),
                    args.interactiveClusterId,
                ),
                tags: args.tags,
                runAs: jobRunAs(args.runAs),
            }),
            { parent: this, dependsOn: [...Object.values(notebooks), ...moduleFiles, ...secretAcls] },
        );

        this.jobId = job.id;
        this.jobUrl = pulumi.interpolate`${args.workspaceUrl}/jobs/${job.id}`;
        this.secretScope = scope.name;
        this.workspaceFolder = directory.path;
        this.notebookPaths = notebookPaths;
        this.registerOutputs({
            jobId: this.jobId,
            jobUrl: this.jobUrl,
            secretScope: this.secretScope,
            notebookPaths: this.notebookPaths,
            workspaceFolder: this.workspaceFolder,
        });
    }
}
