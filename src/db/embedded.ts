import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, type WriteStream } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import type { Readable } from "node:stream";
import type { EmbeddedNeo4jConfig } from "../config.js";
import { projectRoot } from "../domain/project.js";
import type { Logger } from "../logger.js";
import { assertPortFree, freePort } from "../net.js";
import { assertWritableDataDir, StorageGuard, storageFaultIn, storageFaultMessage } from "./storage.js";

/** The Maven project of the Java launcher: the real Neo4j Community engine from Maven Central. */
const launcherDir = path.join(projectRoot, "neo4j-embedded");
const targetDir = path.join(launcherDir, "target");
const launcherJar = path.join(targetDir, "neo4j-embedded.jar");
const stampFile = path.join(targetDir, "build-stamp");
const mainClass = "org.actorgraph.embedded.EmbeddedNeo4j";
const readyMarker = "NEO4J_EMBEDDED_READY";

/** First wait before restarting a Neo4j that died, in milliseconds; it doubles after each failed restart. */
const firstRestartDelayMs = 1000;
/** Longest a starting JVM may take to accept Bolt, in milliseconds (store recovery included); then it is killed. */
const readyTimeoutMs = 300_000;
/** Longest wait between two restart attempts, in milliseconds. */
const maxRestartDelayMs = 30_000;
/** How often a restart waiting for disk space looks at the free space again, in milliseconds. */
const spaceCheckMs = 1000;
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

/** Hash of everything the launcher build depends on, so an edited pom or class triggers a rebuild. */
async function launcherSourceHash(): Promise<string> {
  const hash = createHash("sha256");
  for (const file of ["pom.xml", "src/main/java/org/actorgraph/embedded/EmbeddedNeo4j.java"]) {
    hash.update(await readFile(path.join(launcherDir, file)));
  }
  return hash.digest("hex");
}

/**
 * Builds the launcher and fetches Neo4j's jars with Maven, once. Maven's own lines (each artifact it
 * downloads) are the progress a first run shows; later runs find the stamp and skip it.
 */
export async function buildEmbeddedNeo4j(log: Logger): Promise<void> {
  const wanted = await launcherSourceHash();
  const built = existsSync(stampFile) ? (await readFile(stampFile, "utf8")).trim() : "";
  if (built === wanted && existsSync(launcherJar)) return;
  log.info("Building the embedded Neo4j launcher (first run: Maven downloads Neo4j, about 125 MB)");
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const mvn = spawn("mvn", ["-B", "package"], { cwd: launcherDir, stdio: ["ignore", "pipe", "pipe"] });
    let downloads = 0;
    const lines = readline.createInterface({ input: mvn.stdout });
    const output: string[] = [];
    lines.on("line", (line) => {
      output.push(line);
      if (output.length > 200) output.shift();
      if (line.includes("Downloaded from")) {
        downloads += 1;
        if (downloads % 25 === 0) log.info(`Maven: ${downloads} artifacts downloaded`);
      } else if (/BUILD|ERROR|Building jar|Copying/.test(line)) {
        log.info(`Maven: ${line.replace(/^\[\w+\]\s*/, "")}`);
      }
    });
    mvn.stderr.pipe(process.stderr);
    mvn.on("error", (error) => reject(new Error(`Cannot run Maven (mvn): ${error.message}`)));
    mvn.on("close", (code) => {
      if (code === 0) resolve();
      else
        reject(new Error(`Maven build of the embedded Neo4j failed (exit ${code}):\n${output.join("\n")}`));
    });
  });
  await writeFile(stampFile, `${wanted}\n`);
  log.info(`Embedded Neo4j launcher built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
  const output = new JvmOutput(path.join(config.dataDir, "neo4j-embedded.log"), log);
  /** The JVM started last: running, starting, or dead and awaiting its restart. */
  let java = spawnJava(config, port, output);
  const uri = await waitUntilReady(java, output, config.dataDir).catch(async (error) => {
    await output.close();
    throw error;
  });
  log.info({ pid: java.pid, dataDir: config.dataDir }, `Embedded Neo4j listening on ${uri}`);
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  /** Whether the log already says that a restart waits for disk space. */
  let waitingForSpace = false;

  const restartAfter = (delayMs: number) => {
    restartTimer = setTimeout(() => void restart(delayMs), delayMs);
  };
  const restart = async (delayMs: number) => {
    if (stopping) return;
    // A JVM started on a full disk fails its store recovery: wait until there is room, without spawning.
    const free = await freeBytesOrNone(storage);
    if (free !== undefined && free < storage.minFreeBytes) {
      if (!waitingForSpace) {
        log.error(
          { dataDir: config.dataDir },
          `${storageFaultMessage("ENOSPC", config.dataDir, free)} Neo4j restarts once ${config.minFreeMb ?? defaultMinFreeMb} MiB are free (NEO4J_MIN_FREE_MB).`,
        );
      }
      waitingForSpace = true;
      restartTimer = setTimeout(() => void restart(delayMs), spaceCheckMs);
      return;
    }
    if (waitingForSpace) log.info({ dataDir: config.dataDir }, "Disk space is back; restarting Neo4j");
    waitingForSpace = false;
    java = spawnJava(config, port, output);
    try {
      await waitUntilReady(java, output, config.dataDir);
      if (stopping) return;
      log.info({ pid: java.pid }, `Embedded Neo4j restarted on ${uri}`);
      superviseJava();
    } catch (error) {
      if (stopping) return;
      const nextDelayMs = Math.min(2 * delayMs, maxRestartDelayMs);
      log.error({ err: error }, `Embedded Neo4j did not restart; next attempt in ${nextDelayMs / 1000} s`);
      restartAfter(nextDelayMs);
    }
  };
  const superviseJava = () => {
    const supervised = java;
    supervised.once("exit", (code, signal) => {
      if (stopping) return;
      const why =
        code === panicExitStatus
          ? `Embedded Neo4j's database panicked (a full disk or a failed store write; see ${path.join(config.dataDir, "logs", "debug.log")})`
          : "Embedded Neo4j died";
      log.error(
        { pid: supervised.pid, code, signal, logFile: output.file },
        `${why}; restarting it in ${firstRestartDelayMs / 1000} s`,
      );
      restartAfter(firstRestartDelayMs);
    });
  };
  superviseJava();

  return {
    uri,
    storage,
    get pid() {
      return java.pid ?? -1;
    },
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      await stopJava(java, log);
      await output.close();
    },
  };
}

/** The free bytes of the guarded disk, or undefined when they cannot be read (the JVM's start then says why). */
async function freeBytesOrNone(storage: StorageGuard): Promise<number | undefined> {
  return storage.freeBytes().catch(() => undefined);
}

/** Most bytes of the JVM's output held while its log file is slow; beyond, output is dropped. */
const maxPendingOutputBytes = 1 << 20;
/** How long after a failed write to the JVM's log file the next one may try again, in milliseconds. */
const outputRetryMs = 5000;
/** Lines of the JVM's output kept in memory, to tell why a start failed when the log file could not take them. */
const recentOutputLines = 200;

/**
 * The JVM's output, appended to `file` (neo4j-embedded.log in the data directory). A write that fails (a full
 * or read-only disk) never stops the service: it is logged once, output is dropped and counted while the
 * file cannot be written, and writing resumes by itself (tried again at most every 5 s). The last lines are
 * also kept in memory (`recent`).
 */
class JvmOutput {
  private stream: WriteStream | undefined;
  private failedAt = 0;
  private droppedBytes = 0;
  /** The last lines of output, oldest first. */
  readonly recent: string[] = [];

  constructor(
    readonly file: string,
    private readonly log: Logger,
  ) {}

  /** Copies `output` (one of a JVM's standard streams) here until it ends. */
  copy(output: Readable): void {
    output.on("data", (chunk: Buffer) => this.append(chunk));
    output.on("error", () => undefined); // a pipe of a dying JVM: its exit is what tells.
    output.resume();
  }

  /** Adds lines of output that were read elsewhere (before the JVM said it was ready). */
  remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > recentOutputLines) this.recent.shift();
  }

  private append(chunk: Buffer): void {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") this.remember(line);
    if (!this.stream && Date.now() - this.failedAt >= outputRetryMs) this.open();
    if (!this.stream || this.stream.writableLength > maxPendingOutputBytes) {
      this.droppedBytes += chunk.length;
      return;
    }
    this.stream.write(chunk);
  }

  private open(): void {
    const stream = createWriteStream(this.file, { flags: "a" });
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.failedAt = Date.now();
      stream.destroy();
      this.log.warn(
        { file: this.file, code: error.code },
        `Cannot write Neo4j's output to ${this.file} (${error.message}); dropping it until the file can be written`,
      );
    });
    if (this.droppedBytes > 0) {
      stream.once("ready", () =>
        this.log.info({ file: this.file, droppedBytes: this.droppedBytes }, "Writing Neo4j's output again"),
      );
    }
    stream.once("ready", () => {
      this.droppedBytes = 0;
    });
    this.stream = stream;
  }

  /** Ends the log file, once its pending output is written (or failed). */
  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    this.failedAt = Number.POSITIVE_INFINITY;
    if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
}

/** The launcher's classpath: its jar and Neo4j's (the importer, neo4j-import-tool, comes with them). */
const classpath = [launcherJar, path.join(targetDir, "lib", "*")].join(path.delimiter);

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

/**
 * Resolves with the Bolt URI once the JVM says it is ready; from then on its stdout goes to `output`. A JVM that
 * exits first rejects it: with one line naming `dataDir` and the fault when its output tells of a full,
 * read-only or forbidden disk.
 */
async function waitUntilReady(java: ChildProcess, output: JvmOutput, dataDir: string): Promise<string> {
  if (!java.stdout) throw new Error("embedded Neo4j has no stdout");
  const logFile = output.file;
  const lines = readline.createInterface({ input: java.stdout });
  return new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      // The exit can overtake the last output: the streams end after it.
      setTimeout(() => {
        const fault = storageFaultIn(output.recent.join("\n"));
        reject(
          new Error(
            fault
              ? storageFaultMessage(fault, dataDir)
              : `Embedded Neo4j exited (${signal ?? `code ${code}`}) before it was ready; see ${logFile}`,
          ),
        );
      }, 100);
    };
    // A JVM that neither answers nor exits (a stuck store recovery, a full disk) is killed, not waited on.
    const timer = setTimeout(() => {
      reject(new Error(`Embedded Neo4j was not ready within ${readyTimeoutMs / 1000} s; see ${logFile}`));
      java.kill("SIGKILL");
    }, readyTimeoutMs);
    java.once("exit", () => clearTimeout(timer));
    java.once("exit", onExit);
    java.once("error", (error) => reject(new Error(`Cannot start java: ${error.message}`)));
    lines.on("line", (line) => {
      if (line.startsWith(readyMarker)) {
        clearTimeout(timer);
        java.off("exit", onExit);
        lines.close();
        if (java.stdout) output.copy(java.stdout);
        resolve(line.slice(readyMarker.length).trim());
      } else output.remember(line);
    });
  });
}

/** Closes stdin (the JVM shuts Neo4j down cleanly), then escalates if it does not exit in time. */
async function stopJava(java: ChildProcess, log: Logger): Promise<void> {
  if (java.exitCode !== null || java.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => java.once("exit", () => resolve()));
  java.stdin?.end();
  const timeout = (ms: number) =>
    new Promise<"timeout">((resolve) => setTimeout(resolve, ms, "timeout").unref());
  if ((await Promise.race([exited, timeout(30_000)])) === "timeout") {
    log.warn({ pid: java.pid }, "Embedded Neo4j did not stop in 30 s; sending SIGKILL");
    java.kill("SIGKILL");
    await exited;
  }
  log.info({ pid: java.pid }, "Embedded Neo4j stopped");
}
