// Entry point the Pulumi CLI runs for `--policy-pack policies`: constructing the pack starts its policy server.
import { PolicyPack } from "@pulumi/policy";
import { packArgs, packName } from "./all";

new PolicyPack(packName, packArgs);
