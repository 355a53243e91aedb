import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import type { EmbeddedNeo4jConfig } from "../config.js";
import { projectRoot } from "../domain/project.js";
import { buildMavenProject, type MavenProject, mavenClasspath } from "../jvm/maven.js";
import { JvmOutput } from "../jvm/output.js";
import { type ReadySignal, superviseJvm, waitUntilReady } from "../jvm/process.js";
import type { Logger } from "../logger.js";
import { assertPortFree, freePort } from "../net.js";
import { assertWritableDataDir, StorageGuard, storageFaultIn, storageFaultMessage } from "./storage.js";

/** The Maven project of the Java launcher: the real Neo4j Community engine from Maven Central. */
const launcher: MavenProject = {
  dir: path.join(projectRoot, "neo4j-embedded"),
  sources: ["pom.xml", "src/main/java/org/actorgraph/embedded/EmbeddedNeo4j.java"],
  jar: "target/neo4j-embedded.jar",
  what: "the embedded Neo4j launcher",
  downloads: "Neo4j, about 125 MB",
};
const mainClass = "org.actorgraph.embedded.EmbeddedNeo4j";

/** Longest a starting JVM may take to accept Bolt, in milliseconds (store recovery included); then it is killed. */
const readyTimeoutMs = 300_000;
/** The launcher's exit status after a database panic (EmbeddedNeo4j.java, PANIC_EXIT_STATUS). */
const panicExitStatus = 3;
/** Free space the data directory's disk keeps by default, in MiB (NEO4J_MIN_FREE_MB). */
const defaultMinFreeMb = 64;

/**
 * How to start the embedded Neo4j. Without `txMemoryMb`, one transaction may hold a third of the heap; without
 * `minFreeMb`, the disk keeps 64 MiB free.
 */
export type EmbeddedNeo4jOptions = Omit<EmbeddedNeo4jConfig, "txMemoryMb" | "minFreeMb"> &
  Partial<Pick<EmbeddedNeo4jConfig, "txMemoryMb" | "minFreeMb">> & { password: string };

export interface EmbeddedNeo4j {
  uri: string;
  /** Process id of the JVM running now: a restart changes it. */
  readonly pid: number;
  /** The free space of its data directory's disk, which writes need (NEO4J_MIN_FREE_MB). */
  readonly storage: StorageGuard;
  /** Stops the JVM (and any restart under way); nothing restarts it after this. */
  stop(): Promise<void>;
}

/**
 * Builds the launcher and fetches Neo4j's jars with Maven, once (src/jvm/maven.ts); later runs find the
 * build stamp and skip it.
 */
export async function buildEmbeddedNeo4j(log: Logger): Promise<void> {
  await buildMavenProject(launcher, log);
}

/**
 * Starts Neo4j Community in a child JVM with Bolt on 127.0.0.1 and resolves once it accepts Bolt.
 * The JVM stops when its stdin closes, so it dies with this process even on a crash.
 *
 * Before that, the data directory must be writable and keep `minFreeMb` free: else it throws an Error whose
 * message is one line naming the directory and the fault; a JVM that fails to start on a full or read-only
 * disk is reported the same way.
 *
 * It is supervised: if the JVM exits without `stop()` having asked it to (killed, out of memory, or its
 * database panicked, which a full disk does), the death is logged at error level and a new JVM is started on
 * the same port and data directory after 1 s, then 2 s, 4 s ... up to 30 s between failed attempts; while the
 * disk has less than `minFreeMb` free, the restart waits for space (looked at every second). Clients
 * reconnect by themselves once the port answers again.
 */
export async function startEmbeddedNeo4j(config: EmbeddedNeo4jOptions, log: Logger): Promise<EmbeddedNeo4j> {
  await buildEmbeddedNeo4j(log);
  const port = config.boltPort === 0 ? await freePort() : config.boltPort;
  await assertPortFree(
    "127.0.0.1",
    port,
    `Bolt port 127.0.0.1:${port} is already in use (another Neo4j?). Set NEO4J_BOLT_PORT to a free port, or NEO4J_URI to use that server.`,
  );
  const storage = new StorageGuard(config.dataDir, (config.minFreeMb ?? defaultMinFreeMb) * 1048576);
  await assertWritableDataDir(storage.dir, storage.minFreeBytes);
  const output = new JvmOutput(path.join(config.dataDir, "neo4j-embedded.log"), "Neo4j", log);
  const ready: ReadySignal = {
    marker: "NEO4J_EMBEDDED_READY",
    timeoutMs: readyTimeoutMs,
    name: "Embedded Neo4j",
    // A JVM that fails to start on a full, read-only or forbidden disk says so in one line naming the directory.
    explainExit: (recent) => {
      const fault = storageFaultIn(recent.join("\n"));
      return fault ? storageFaultMessage(fault, config.dataDir) : undefined;
    },
  };
  const first = spawnJava(config, port, output);
  const uri = await waitUntilReady(first, output, ready).catch(async (error) => {
    await output.close();
    throw error;
  });
  log.info({ pid: first.pid, dataDir: config.dataDir }, `Embedded Neo4j listening on ${uri}`);
  /** Whether the log already says that a restart waits for disk space. */
  let waitingForSpace = false;
  const supervised = superviseJvm(
    first,
    {
      name: "Embedded Neo4j",
      serves: uri,
      spawn: () => spawnJava(config, port, output),
      ready: (java) => waitUntilReady(java, output, ready),
      describeDeath: (code) =>
        code === panicExitStatus
          ? `Embedded Neo4j's database panicked (a full disk or a failed store write; see ${path.join(config.dataDir, "logs", "debug.log")})`
          : "Embedded Neo4j died",
      // A JVM started on a full disk fails its store recovery: wait until there is room, without spawning.
      mayRestart: async () => {
        const free = await storage.freeBytes().catch(() => undefined);
        if (free !== undefined && free < storage.minFreeBytes) {
          if (!waitingForSpace) {
            log.error(
              { dataDir: config.dataDir },
              `${storageFaultMessage("ENOSPC", config.dataDir, free)} Neo4j restarts once ${config.minFreeMb ?? defaultMinFreeMb} MiB are free (NEO4J_MIN_FREE_MB).`,
            );
          }
          waitingForSpace = true;
          return false;
        }
        if (waitingForSpace) log.info({ dataDir: config.dataDir }, "Disk space is back; restarting Neo4j");
        waitingForSpace = false;
        return true;
      },
    },
    log,
  );

  return {
    uri,
    storage,
    get pid() {
      return supervised.current.pid ?? -1;
    },
    stop: async () => {
      await supervised.stop(log);
      await output.close();
    },
  };
}

/** The launcher's classpath: its jar and Neo4j's (the importer, neo4j-import-tool, comes with them). */
const classpath = mavenClasspath(launcher);

/** Where Neo4j keeps the store of database `neo4j` under an embedded home directory. */
export const embeddedStoreDir = (dataDir: string) => path.join(dataDir, "data", "databases", "neo4j");

/** Deletes database `neo4j`'s store and transaction logs under an embedded home directory (Neo4j stopped). */
export async function removeEmbeddedStore(dataDir: string): Promise<void> {
  await rm(embeddedStoreDir(dataDir), { recursive: true, force: true });
  await rm(path.join(dataDir, "data", "transactions", "neo4j"), { recursive: true, force: true });
}

export interface StoreImportOptions {
  /** The embedded Neo4j's home directory (NEO4J_DATA_DIR); it must not be running. */
  dataDir: string;
  /** JVM heap of the importer, MiB. */
  heapMb: number;
  /** Most memory the importer may take outside the heap (its caches), MiB. */
  offHeapMb: number;
  /** Arguments of `neo4j-admin database import full` before the database name: inputs and CSV options. */
  args: string[];
  /** Each stage of the import as it starts (1 of 4 ...), then its percentage as it goes. */
  onProgress?: (progress: { stage: string; step: number; steps: number; percent: number }) => void;
}

/**
 * Runs Neo4j's offline importer, `neo4j-admin database import full` (org.neo4j.cli.AdminTool from the
 * launcher's own Maven artifacts), on the embedded home directory `dataDir`, writing database `neo4j`.
 * Resolves when the importer exits 0; otherwise rejects with its last output lines (a bad entry, a store
 * that exists without --overwrite-destination, a store locked by a running Neo4j).
 */
export async function importEmbeddedStore(options: StoreImportOptions, log: Logger): Promise<void> {
  await buildEmbeddedNeo4j(log);
  await mkdir(options.dataDir, { recursive: true });
  const java = spawn(
    "java",
    [
      `-Xmx${options.heapMb}m`,
      "-XX:+ExitOnOutOfMemoryError",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "-cp",
      classpath,
      "org.neo4j.cli.AdminTool",
      "database",
      "import",
      "full",
      `--max-off-heap-memory=${options.offHeapMb}m`,
      ...options.args,
      "neo4j",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
      // No neo4j.conf: the defaults place the store where DatabaseManagementServiceBuilder(dataDir) looks.
      env: { ...process.env, NEO4J_HOME: options.dataDir, NEO4J_CONF: path.join(options.dataDir, "conf") },
    },
  );
  const output: string[] = [];
  let stage = { stage: "", step: 0, steps: 0 };
  const onLine = (line: string) => {
    output.push(line);
    if (output.length > 60) output.shift();
    const started = /^\((\d+)\/(\d+)\) (.+?) \d{4}-\d{2}-\d{2}/.exec(line);
    if (started) {
      stage = { stage: started[3] as string, step: Number(started[1]), steps: Number(started[2]) };
      options.onProgress?.({ ...stage, percent: 0 });
    }
    const percent = /\s(\d+)% ∆/.exec(line);
    if (percent && stage.step > 0) options.onProgress?.({ ...stage, percent: Number(percent[1]) });
  };
  readline.createInterface({ input: java.stdout }).on("line", onLine);
  readline.createInterface({ input: java.stderr }).on("line", onLine);
  const code = await new Promise<number | null>((resolve, reject) => {
    java.once("error", (error) => reject(new Error(`Cannot start java: ${error.message}`)));
    java.once("close", resolve);
  });
  if (code !== 0) {
    throw new Error(`Neo4j's importer failed (exit ${code}):\n${output.join("\n")}`);
  }
}

/** Spawns the launcher JVM; its stderr, and its stdout once ready, are copied to `output`. */
function spawnJava(config: EmbeddedNeo4jOptions, port: number, output: JvmOutput): ChildProcess {
  const java = spawn(
    "java",
    [
      `-Xms${Math.min(256, config.heapMb)}m`,
      `-Xmx${config.heapMb}m`,
      "-XX:+ExitOnOutOfMemoryError",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "-Dio.netty.tryReflectionSetAccessible=true",
      "-cp",
      classpath,
      mainClass,
      config.dataDir,
      String(port),
      String(config.pageCacheMb),
      String(config.txMemoryMb ?? Math.floor(config.heapMb / 3)),
    ],
    {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NEO4J_PASSWORD: config.password },
      // Its own process group: a Ctrl-C in the terminal reaches only Node, which drains requests and then
      // stops Neo4j in order. If Node dies instead, the JVM sees its stdin close and stops by itself.
      detached: true,
    },
  );
  if (java.stderr) output.copy(java.stderr);
  // Closing stdin is how the JVM is told to stop; a JVM already gone answers EPIPE, and its exit tells.
  java.stdin?.on("error", () => undefined);
  return java;
}
