import type { ChildProcess } from "node:child_process";
import readline from "node:readline";
import type { Logger } from "../logger.js";
import { telemetry } from "../telemetry.js";
import type { JvmOutput } from "./output.js";

/** How a JVM of ours says it is ready, and how long it may take. */
export interface ReadySignal {
  /** The first word of the line it prints once ready; the rest of the line is what `waitUntilReady` returns. */
  marker: string;
  /** Longest wait, in milliseconds; then the JVM is killed and the wait rejects. */
  timeoutMs: number;
  /** Whose JVM, for messages: "Embedded Neo4j". */
  name: string;
  /** A one-line reason for an early exit, read from its last output lines; undefined when they tell nothing. */
  explainExit?: (recent: readonly string[]) => string | undefined;
}

/**
 * Resolves with the rest of the JVM's ready line (a URI) once it prints it; from then on its stdout goes to
 * `output`. Rejects when the JVM exits first (with `explainExit`'s reason when it has one, else naming the
 * log file), cannot be started, or is not ready within `timeoutMs` (it is then killed, not waited on).
 */
export async function waitUntilReady(
  java: ChildProcess,
  output: JvmOutput,
  signal: ReadySignal,
): Promise<string> {
  if (!java.stdout) throw new Error(`${signal.name} has no stdout`);
  const lines = readline.createInterface({ input: java.stdout });
  return new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null, exitSignal: NodeJS.Signals | null) => {
      // The exit can overtake the last output: the streams end after it.
      setTimeout(() => {
        const reason = signal.explainExit?.(output.recent);
        reject(
          new Error(
            reason ??
              `${signal.name} exited (${exitSignal ?? `code ${code}`}) before it was ready; see ${output.file}`,
          ),
        );
      }, 100);
    };
    const timer = setTimeout(() => {
      reject(
        new Error(`${signal.name} was not ready within ${signal.timeoutMs / 1000} s; see ${output.file}`),
      );
      java.kill("SIGKILL");
    }, signal.timeoutMs);
    java.once("exit", () => clearTimeout(timer));
    java.once("exit", onExit);
    java.once("error", (error) => reject(new Error(`Cannot start java: ${error.message}`)));
    lines.on("line", (line) => {
      if (line.startsWith(signal.marker)) {
        clearTimeout(timer);
        java.off("exit", onExit);
        lines.close();
        if (java.stdout) output.copy(java.stdout);
        resolve(line.slice(signal.marker.length).trim());
      } else output.remember(line);
    });
  });
}

/**
 * Closes the JVM's stdin (our launchers stop cleanly when it closes), then sends SIGKILL if it has not
 * exited within `graceMs` milliseconds. Resolves once it has exited.
 */
export async function stopJvm(
  java: ChildProcess,
  name: string,
  log: Logger,
  graceMs = 30_000,
): Promise<void> {
  if (java.exitCode !== null || java.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => java.once("exit", () => resolve()));
  java.stdin?.end();
  const timeout = new Promise<"timeout">((resolve) => setTimeout(resolve, graceMs, "timeout").unref());
  if ((await Promise.race([exited, timeout])) === "timeout") {
    log.warn({ pid: java.pid }, `${name} did not stop in ${graceMs / 1000} s; sending SIGKILL`);
    java.kill("SIGKILL");
    await exited;
  }
  log.info({ pid: java.pid }, `${name} stopped`);
}

/** First wait before restarting a JVM that died, in milliseconds; it doubles after each failed restart. */
const firstRestartDelayMs = 1000;
/** Longest wait between two restart attempts, in milliseconds. */
const maxRestartDelayMs = 30_000;
/** How often a restart that is held back (`mayRestart` said no) asks again, in milliseconds. */
const heldBackCheckMs = 1000;

export interface Supervision {
  /** Whose JVM, for the log: "Embedded Neo4j". */
  name: string;
  /** Where it serves, for the log: a URI. */
  serves: string;
  /** Starts a new JVM. */
  spawn: () => ChildProcess;
  /** Resolves once that JVM is ready; rejects when it is not (it exited, or took too long and was killed). */
  ready: (java: ChildProcess) => Promise<unknown>;
  /** Why it died, for the log, from its exit; default "<name> died". */
  describeDeath?: (code: number | null, signal: NodeJS.Signals | null) => string;
  /** Asked before each restart: false holds it back, and it is asked again every second (a full disk). */
  mayRestart?: () => Promise<boolean>;
}

export interface SupervisedJvm {
  /** The JVM started last: running, starting, or dead and awaiting its restart. */
  readonly current: ChildProcess;
  /** Stops the JVM and any restart under way; nothing restarts it after this. */
  stop(log: Logger): Promise<void>;
}

/**
 * Keeps a JVM running: when `first` (or a later one) exits without `stop()` having asked it to, the death is
 * logged at error level and a new one is spawned after 1 s, then 2 s, 4 s ... up to 30 s between failed attempts.
 */
export function superviseJvm(first: ChildProcess, supervision: Supervision, log: Logger): SupervisedJvm {
  let java = first;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;

  const restartAfter = (delayMs: number) => {
    restartTimer = setTimeout(() => void restart(delayMs), delayMs);
  };
  const restart = async (delayMs: number) => {
    if (stopping) return;
    if (supervision.mayRestart && !(await supervision.mayRestart())) {
      restartTimer = setTimeout(() => void restart(delayMs), heldBackCheckMs);
      return;
    }
    java = supervision.spawn();
    try {
      await supervision.ready(java);
      if (stopping) return;
      log.info({ pid: java.pid }, `${supervision.name} restarted on ${supervision.serves}`);
      watch(java);
    } catch (error) {
      if (stopping) return;
      const nextDelayMs = Math.min(2 * delayMs, maxRestartDelayMs);
      log.error(
        { err: error },
        `${supervision.name} did not restart; next attempt in ${nextDelayMs / 1000} s`,
      );
      restartAfter(nextDelayMs);
    }
  };
  const watch = (watched: ChildProcess) => {
    watched.once("exit", (code, signal) => {
      if (stopping) return;
      telemetry.measurements?.processRestart(supervision.name);
      const why = supervision.describeDeath?.(code, signal) ?? `${supervision.name} died`;
      log.error(
        { pid: watched.pid, code, signal },
        `${why}; restarting it in ${firstRestartDelayMs / 1000} s`,
      );
      restartAfter(firstRestartDelayMs);
    });
  };
  watch(java);

  return {
    get current() {
      return java;
    },
    stop: async (stopLog: Logger) => {
      stopping = true;
      clearTimeout(restartTimer);
      await stopJvm(java, supervision.name, stopLog);
    },
  };
}
