import { createWriteStream, type WriteStream } from "node:fs";
import type { Readable } from "node:stream";
import type { Logger } from "../logger.js";

/** Most bytes of a JVM's output held while its log file is slow; beyond, output is dropped. */
const maxPendingOutputBytes = 1 << 20;
/** How long after a failed write to the log file the next one may try again, in milliseconds. */
const outputRetryMs = 5000;
/** Lines of output kept in memory, to tell why a start failed when the log file could not take them. */
const recentOutputLines = 200;

/**
 * A JVM's output, appended to `file`. A write that fails (a full or read-only disk) never stops the service:
 * it is logged once, output is dropped and counted while the file cannot be written, and writing resumes by
 * itself (tried again at most every 5 s). The last 200 lines are also kept in memory (`recent`).
 */
export class JvmOutput {
  private stream: WriteStream | undefined;
  private failedAt = 0;
  private droppedBytes = 0;
  /** The last lines of output, oldest first. */
  readonly recent: string[] = [];

  /** `name` says whose output it is in the log: "Neo4j", "CoreNLP". */
  constructor(
    readonly file: string,
    private readonly name: string,
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
        `Cannot write ${this.name}'s output to ${this.file} (${error.message}); dropping it until the file can be written`,
      );
    });
    if (this.droppedBytes > 0) {
      stream.once("ready", () =>
        this.log.info(
          { file: this.file, droppedBytes: this.droppedBytes },
          `Writing ${this.name}'s output again`,
        ),
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
