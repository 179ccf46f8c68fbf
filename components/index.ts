// The lakestream components, one per file, re-exported for the program and the tests.
export * from "./eventHubsIngest";
export * from "./bronzeLagAlert";
export * from "./databricksWorkspace";
export * from "./runAs";
export * from "./workspaceLookup";
export * from "./metastorePreflight";
export * from "./workspaceAccess";
export * from "./catalogStorage";
export * from "./medallionCatalog";
export * from "./clusterSpec";
export * from "./streamingCluster";
export * from "./medallionJobPlan";
export * from "./medallionJob";
export * from "./powerBiConnection";
export * from "./dashboardPlan";
export * from "./dashboards";
