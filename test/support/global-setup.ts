import { rm } from "node:fs/promises";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { projectRoot } from "../../src/config.js";
import { type EmbeddedNeo4j, startEmbeddedNeo4j } from "../../src/db/embedded.js";
import { createLogger } from "../../src/logger.js";

export const testPassword = "actorgraph-test";

declare module "vitest" {
  export interface ProvidedContext {
    neo4jUri: string;
    neo4jPassword: string;
  }
}

let embedded: EmbeddedNeo4j | undefined;
const dataDir = path.join(projectRoot, ".data", `test-${process.pid}`);

/**
 * Starts a real Neo4j for the test run, with its own data directory and a free Bolt port, unless
 * NEO4J_TEST_URI names one to use instead. Tests reach it over Bolt like the service does.
 */
export async function setup(project: TestProject): Promise<void> {
  const external = process.env.NEO4J_TEST_URI;
  if (external) {
    project.provide("neo4jUri", external);
    project.provide("neo4jPassword", process.env.NEO4J_TEST_PASSWORD ?? testPassword);
    return;
  }
  const log = createLogger({ level: "warn", format: "pretty" });
  embedded = await startEmbeddedNeo4j(
    { dataDir, boltPort: 0, heapMb: 768, pageCacheMb: 128, password: testPassword },
    log,
  );
  project.provide("neo4jUri", embedded.uri);
  project.provide("neo4jPassword", testPassword);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  await rm(dataDir, { recursive: true, force: true });
}
