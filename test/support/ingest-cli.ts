import { execFile } from "node:child_process";
import path from "node:path";
import { inject } from "vitest";
import { projectRoot } from "../../src/domain/project.js";

/**
 * A command of src/cli/ (`script`, e.g. "ingest.ts") as a user runs it, against the test run's Neo4j, with `env`
 * added to the environment: its exit status and output.
 */
export function runCli(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(projectRoot, "node_modules/.bin/tsx"),
      [path.join("src/cli", script), ...args],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          NEO4J_URI: inject("neo4jUri"),
          NEO4J_PASSWORD: inject("neo4jPassword"),
          LOG_LEVEL: "warn",
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `npm run ingest -- FILE...` as a user runs it (absolute paths), against the test run's Neo4j. */
export function runIngest(...files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli("ingest.ts", files);
}
