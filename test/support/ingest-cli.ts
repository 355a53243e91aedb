import { execFile } from "node:child_process";
import path from "node:path";
import { inject } from "vitest";
import { projectRoot } from "../../src/domain/project.js";

/** `npm run ingest -- FILE...` as a user runs it (absolute paths), against the test run's Neo4j. */
export function runIngest(...files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(projectRoot, "node_modules/.bin/tsx"),
      ["src/cli/ingest.ts", ...files],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          NEO4J_URI: inject("neo4jUri"),
          NEO4J_PASSWORD: inject("neo4jPassword"),
          LOG_LEVEL: "warn",
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
