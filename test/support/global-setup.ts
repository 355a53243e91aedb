import { spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildService } from "../../bench/load-lib.js";
import { type EmbeddedNeo4j, startEmbeddedNeo4j } from "../../src/db/embedded.js";
import { projectRoot } from "../../src/domain/project.js";
import { createLogger } from "../../src/logger.js";
import { freePort } from "../../src/net.js";
import { type CoreNlpServer, startCoreNlpServer } from "../../src/nlp/server.js";

export const testPassword = "actorgraph-test";

declare module "vitest" {
  export interface ProvidedContext {
    neo4jUri: string;
    neo4jPassword: string;
    /** The run's French NLP server (CoreNLP), still starting when the tests begin: see ./nlp.ts. */
    corenlpUrl: string;
  }
}

let embedded: EmbeddedNeo4j | undefined;
let nlpServer: Promise<CoreNlpServer | undefined> | undefined;
const dataDir = path.join(projectRoot, ".data", `test-${process.pid}`);

/**
 * Installs what the tests need beyond npm (Chromium for the browser test, Python with networkx for the GraphML
 * round trip) when it is missing, so that `npm test` works on a fresh machine: scripts/install-system-deps.sh,
 * idempotent, one dpkg query when everything is there. Where it may not install, the run stops with its message.
 */
function installSystemPackages(): void {
  const script = path.join(projectRoot, "scripts", "install-system-deps.sh");
  const { status, error } = spawnSync("bash", [script], { stdio: "inherit", cwd: projectRoot });
  if (status !== 0) {
    throw new Error(
      `The tests need system packages that are missing and could not be installed (${error?.message ?? `scripts/install-system-deps.sh exited ${status}`}); see its message above.`,
    );
  }
}

/**
 * Starts a real Neo4j for the test run, with its own data directory and a free Bolt port, unless
 * NEO4J_TEST_URI names one to use instead. Tests reach it over Bolt like the service does.
 */
export async function setup(project: TestProject): Promise<void> {
  installSystemPackages();
  // The tests that start the service as its own process run the build, as `npm start` does.
  buildService();
  await startTestNlp(project);
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

/**
 * Starts the run's CoreNLP server in the background on a port chosen now, unless CORENLP_TEST_URL names one:
 * the files that annotate wait for it (./nlp.ts), the others do not. Loading the French models takes 40 s and
 * more; started here it loads while the first files run, and once for the whole run.
 */
async function startTestNlp(project: TestProject): Promise<void> {
  const external = process.env.CORENLP_TEST_URL;
  if (external) {
    project.provide("corenlpUrl", external);
    return;
  }
  const port = await freePort();
  const log = createLogger({ level: "warn", format: "pretty" });
  nlpServer = startCoreNlpServer(
    {
      port,
      heapMb: 2560,
      threads: 2,
      timeoutMs: 120_000,
      maxChars: 100_000,
      logFile: path.join(projectRoot, ".data", `test-corenlp-shared-${process.pid}.log`),
    },
    log,
  ).catch((error: unknown) => {
    log.error({ err: error }, "the test run's CoreNLP server did not start");
    return undefined;
  });
  project.provide("corenlpUrl", `http://127.0.0.1:${port}`);
}

export async function teardown(): Promise<void> {
  await (await nlpServer)?.stop();
  await embedded?.stop();
  await rm(dataDir, { recursive: true, force: true });
}
