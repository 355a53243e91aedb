import { type ChildProcess, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { NlpConfig } from "../config.js";
import { projectRoot } from "../domain/project.js";
import { buildMavenProject, type MavenProject, mavenClasspath } from "../jvm/maven.js";
import { JvmOutput } from "../jvm/output.js";
import { type ReadySignal, superviseJvm, waitUntilReady } from "../jvm/process.js";
import type { Logger } from "../logger.js";
import { assertPortFree, freePort } from "../net.js";

/**
 * Stanford CoreNLP's French server, built from Maven Central and run as its own process (CoreNLP is GPL-3.0:
 * it is never linked into the service): corenlp/ holds the Maven project and its small launcher.
 */
const launcher: MavenProject = {
  dir: path.join(projectRoot, "corenlp"),
  sources: [
    "pom.xml",
    "src/main/java/org/actorgraph/nlp/FrenchNlpServer.java",
    "src/main/java/org/actorgraph/nlp/LoopbackHttpServerProvider.java",
  ],
  jar: "target/corenlp-french.jar",
  what: "the CoreNLP French server",
  downloads: "CoreNLP and its French models, about 290 MB",
};

/** Longest our CoreNLP server may take to load its models, in milliseconds (about 40 s on 2 idle cores). */
const readyTimeoutMs = 300_000;

/** Our CoreNLP server, running and supervised. */
export interface CoreNlpServer {
  /** Where it answers: http://127.0.0.1:<port>. */
  url: string;
  /** Process id of the JVM running now: a restart changes it. */
  readonly pid: number;
  /** Stops the JVM (and any restart under way); nothing restarts it after this. */
  stop(): Promise<void>;
}

/** Builds the CoreNLP server and fetches CoreNLP's jars and French models with Maven, once. */
export async function buildCoreNlpServer(log: Logger): Promise<void> {
  await buildMavenProject(launcher, log);
}

/**
 * Starts CoreNLP's French server in a child JVM on 127.0.0.1 with `heapMb` of heap, and resolves once every
 * model (or those `preload` asks for) is loaded. Supervised like the embedded Neo4j (src/jvm/process.ts): a JVM that dies is restarted on the
 * same port after 1 s, 2 s, 4 s ... up to 30 s. The JVM stops when its stdin closes, so it dies with this
 * process even on a crash. Rejects when the port is taken or the JVM is not ready within 300 s.
 * `preload`, a comma-separated list of CoreNLP annotators, loads only those before it is ready, the others on
 * the first request that asks for them: "tokenize,ssplit" is ready in seconds rather than a minute (for tests
 * of the process itself, not of its annotations).
 */
export async function startCoreNlpServer(
  config: Pick<NlpConfig, "port" | "heapMb" | "threads" | "timeoutMs" | "maxChars" | "logFile">,
  log: Logger,
  preload?: string,
): Promise<CoreNlpServer> {
  await buildCoreNlpServer(log);
  const port = config.port === 0 ? await freePort() : config.port;
  await assertPortFree(
    "127.0.0.1",
    port,
    `CoreNLP port 127.0.0.1:${port} is already in use. Set CORENLP_PORT to a free port (0 = any), or CORENLP_URL to use that server.`,
  );
  await mkdir(path.dirname(config.logFile), { recursive: true });
  const output = new JvmOutput(config.logFile, "CoreNLP", log);
  const ready: ReadySignal = { marker: "CORENLP_READY", timeoutMs: readyTimeoutMs, name: "CoreNLP" };
  const spawnServer = (): ChildProcess => {
    const java = spawn(
      "java",
      [
        `-Xmx${config.heapMb}m`,
        "-XX:+ExitOnOutOfMemoryError",
        // LoopbackHttpServerProvider wraps the JDK's own HTTP server provider.
        "--add-exports=jdk.httpserver/sun.net.httpserver=ALL-UNNAMED",
        "-cp",
        mavenClasspath(launcher),
        "org.actorgraph.nlp.FrenchNlpServer",
        String(port),
        String(config.timeoutMs),
        String(config.maxChars),
        String(config.threads),
        ...(preload ? [preload] : []),
      ],
      // Its own process group, as Neo4j's: a Ctrl-C reaches only Node, which stops it in order.
      { stdio: ["pipe", "pipe", "pipe"], detached: true },
    );
    if (java.stderr) output.copy(java.stderr);
    java.stdin?.on("error", () => undefined);
    return java;
  };
  const first = spawnServer();
  const started = Date.now();
  const url = await waitUntilReady(first, output, ready).catch(async (error) => {
    await output.close();
    throw error;
  });
  log.info(
    { pid: first.pid, seconds: Math.round((Date.now() - started) / 100) / 10 },
    `CoreNLP French server listening on ${url}`,
  );
  const supervised = superviseJvm(
    first,
    {
      name: "CoreNLP",
      serves: url,
      spawn: spawnServer,
      ready: (java) => waitUntilReady(java, output, ready),
    },
    log,
  );
  return {
    url,
    get pid() {
      return supervised.current.pid ?? -1;
    },
    stop: async () => {
      await supervised.stop(log);
      await output.close();
    },
  };
}
