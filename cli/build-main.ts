/**
 * The workflow CLI as the release builds run it: bundled into one file by
 * modules/pipeline/workflow-cli.ts, with no environment file inside (its environment is the build's
 * ENVIRONMENT_CONFIG) and no package.json (its version is its own SHA-256, the name of its S3 object).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import { S3_LAYOUT } from "../modules/s3-layout";
import { processDeps } from "./deps";
import { runProcess } from "./program";
import { stackEnvironment } from "./stack-environment";

const version = () => S3_LAYOUT.workflowCli(createHash("sha256").update(fs.readFileSync(__filename)).digest("hex"));

runProcess(processDeps(stackEnvironment(process.env), version));
