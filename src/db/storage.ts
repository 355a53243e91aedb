import { randomUUID } from "node:crypto";
import { mkdir, rm, statfs, writeFile } from "node:fs/promises";
import path from "node:path";
import { storageFull } from "../domain/errors.js";

/** The file-system errors that mean "the disk cannot take what Neo4j writes", as Node and the JVM name them. */
export type StorageFaultCode = "ENOSPC" | "EROFS" | "EACCES";

const faultWords: Record<StorageFaultCode, string> = {
  ENOSPC: "is full",
  EROFS: "is read-only",
  EACCES: "is not writable by this user",
};

/**
 * What the JVM prints for each storage fault: Java's own wording of the errno (an IOException's message), and
 * Neo4j's for a store file it cannot grow (org.neo4j.io.pagecache.OutOfDiskSpaceException).
 */
const faultPatterns: [StorageFaultCode, RegExp][] = [
  ["ENOSPC", /No space left on device|out of disk space|OutOfDiskSpace|ENOSPC/i],
  ["EROFS", /Read-only file system|EROFS/i],
  ["EACCES", /Permission denied|AccessDeniedException|EACCES/],
];

/** The storage fault that `text` (a JVM's output, an error message) reports, if any. */
export function storageFaultIn(text: string): StorageFaultCode | undefined {
  return faultPatterns.find(([, pattern]) => pattern.test(text))?.[0];
}

const mib = (bytes: number) => Math.floor(bytes / 1048576);

/** One line for an operator: which directory, what is wrong with its disk, what to do. */
export function storageFaultMessage(code: StorageFaultCode, dir: string, freeBytes?: number): string {
  const free = freeBytes === undefined ? "" : ` (${mib(freeBytes)} MiB free)`;
  const action =
    code === "ENOSPC" ? "free some space or move NEO4J_DATA_DIR" : "fix its permissions or mount";
  return `The disk of the Neo4j data directory ${dir} ${faultWords[code]}${free}: ${action}.`;
}

/** Bytes that the file system holding `dir` gives this (unprivileged) user. */
async function freeBytesOf(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/**
 * Checks, before Neo4j starts, that `dir` can be written and has at least `minFreeBytes` free; creates it if
 * missing. Throws an Error whose message is one line naming the directory and the fault (storageFaultMessage).
 */
export async function assertWritableDataDir(dir: string, minFreeBytes: number): Promise<void> {
  const probe = path.join(dir, `.write-probe-${randomUUID()}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, "probe");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code as StorageFaultCode;
    if (code in faultWords) throw new Error(storageFaultMessage(code, dir));
    throw error;
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  const free = await freeBytesOf(dir);
  if (free < minFreeBytes) {
    throw new Error(
      `${storageFaultMessage("ENOSPC", dir, free)} Neo4j needs at least ${mib(minFreeBytes)} MiB to start (NEO4J_MIN_FREE_MB).`,
    );
  }
}

/**
 * Watches the free space of the embedded Neo4j's data directory so that writes are refused before Neo4j runs
 * out of it: a store file that cannot grow panics the database, which then refuses reads too until restarted.
 */
export class StorageGuard {
  constructor(
    /** The directory whose file system is watched (NEO4J_DATA_DIR). */
    readonly dir: string,
    /** Below this many free bytes, writes are refused (NEO4J_MIN_FREE_MB). */
    readonly minFreeBytes: number,
  ) {}

  /** Bytes free on the disk now (for this user). */
  freeBytes(): Promise<number> {
    return freeBytesOf(this.dir);
  }

  /**
   * Resolves if the disk has room for writes.
   * @throws DomainError STORAGE_FULL naming the directory, the free and the reserved MiB.
   */
  async assertRoom(): Promise<void> {
    const free = await this.freeBytes();
    if (free >= this.minFreeBytes) return;
    throw storageFull(
      `The database's disk is full (${mib(free)} MiB free, writes need ${mib(this.minFreeBytes)} MiB); writes resume once space is freed, reads go on.`,
      { freeMiB: mib(free), minFreeMiB: mib(this.minFreeBytes) },
    );
  }
}
