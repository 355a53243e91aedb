import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../src/domain/project.js";

/** `npm run import -- ...ARGS` as a user runs it, with `env` added to the environment. */
function runImport(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      path.join(projectRoot, "node_modules/.bin/tsx"),
      ["src/cli/import.ts", ...args],
      { cwd: projectRoot, env: { ...process.env, LOG_LEVEL: "warn", ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const fixtures = path.join(projectRoot, "test", "fixtures");

// The import itself (importIntoNewDatabase) is tested in test/bulk-import.test.ts; these are the command's refusals,
// each before any database is written or started.
describe("npm run import", () => {
  it("shows its usage and exits 2 without files", async () => {
    const result = await runImport([], {});
    expect(result.stderr).toContain("usage: npm run import -- FILE.yaml");
    expect(result.code).toBe(2);
  });

  it("names the file and line of a problem and exits 1", async () => {
    const result = await runImport([path.join(fixtures, "ingest", "missing.yaml")], {});
    expect(result.stderr).toMatch(/missing\.yaml:1: cannot read/);
    expect(result.code).toBe(1);
  });

  it("refuses NEO4J_URI: the importer writes the embedded database's files", async () => {
    const result = await runImport([path.join(fixtures, "import", "corpus.yaml")], {
      NEO4J_URI: "bolt://127.0.0.1:1",
    });
    expect(result.stdout).toContain("Read 1 file(s): 2 actors, 1 sources, 1 relations");
    expect(result.stderr).toContain(
      "BAD_USER_INPUT: The importer writes the embedded database's files: unset NEO4J_URI",
    );
    expect(result.code).toBe(1);
  });
});
