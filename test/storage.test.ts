import { execFileSync } from "node:child_process";
import { mkdtemp, rm, statfs } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import { connect, type Database } from "../src/db/database.js";
import { type EmbeddedNeo4j, startEmbeddedNeo4j } from "../src/db/embedded.js";
import { applySchema } from "../src/db/schema.js";
import { freePort } from "../src/net.js";
import { loadSeed } from "../src/seed/load.js";
import { capturedLog } from "./support/db.js";
import { seedDir } from "./support/seed-copy.js";
import { postGraphQL, serveOnLoopback } from "./support/server.js";

/**
 * The embedded Neo4j's data directory on a real small file system (a tmpfs mounted for the test: it runs as
 * root) that fills up. Writes are refused with 503 STORAGE_FULL below the reserve while reads go on; a write
 * that fills the disk anyway panics Neo4j, the service stays up, and once space is freed it serves writes again
 * with no help. Start-up on a disk that is full or read-only stops with one line naming the directory.
 */
describe("a full or read-only disk", () => {
  const password = "storage-test";
  const editor = generateApiKey("alice", "editor");
  const minFreeMb = 64;
  const mounts: string[] = [];
  const { log, logged } = capturedLog();
  let mount: string;
  let neo4j: EmbeddedNeo4j;
  let db: Database;
  let base: string;
  let close: () => Promise<void>;

  /** A tmpfs of `sizeMb` MiB at a new directory, with `options` (e.g. "ro"). */
  const mountTmpfs = async (sizeMb: number, options = "") => {
    const dir = await mkdtemp("/tmp/actorgraph-disk-");
    execFileSync("mount", [
      "-t",
      "tmpfs",
      "-o",
      `size=${sizeMb}m${options ? `,${options}` : ""}`,
      "tmpfs",
      dir,
    ]);
    mounts.push(dir);
    return dir;
  };
  const freeBytes = async () => {
    const stats = await statfs(mount);
    return stats.bavail * stats.bsize;
  };
  /** Takes all but `leaveBytes` of the disk's free space with one file. */
  const fill = async (leaveBytes: number) => {
    const bytes = (await freeBytes()) - leaveBytes;
    if (bytes > 0) execFileSync("fallocate", ["-l", String(bytes), path.join(mount, `filler-${Date.now()}`)]);
  };
  const unfill = () => execFileSync("sh", ["-c", `rm -f ${mount}/filler-*`]);
  const addSource = (text: string) =>
    postGraphQL(
      base,
      'mutation ($t: String!) { addSource(input: { text: $t, language: "fr" }) { source { key } } }',
      { t: text },
      editor.key,
    );
  const readMali = () => postGraphQL(base, '{ actor(key: "mali") { name } }');

  beforeAll(async () => {
    mount = await mountTmpfs(700);
    neo4j = await startEmbeddedNeo4j(
      {
        dataDir: path.join(mount, "neo4j"),
        boltPort: await freePort(),
        heapMb: 512,
        pageCacheMb: 32,
        minFreeMb,
        password,
      },
      log,
    );
    db = await connect(
      {
        uri: neo4j.uri,
        user: "neo4j",
        password,
        database: "neo4j",
        connectTimeoutMs: 30_000,
        // Above the default 10 s: a write on a starved machine took longer, and timeouts are not tried here.
        queryTimeoutMs: 60_000,
        startupTimeoutMs: 300_000,
        maxRetryMs: 1000,
      },
      log,
      neo4j.storage,
    );
    await applySchema(db, log);
    await loadSeed(db, seedDir, log);
    ({ base, close } = await serveOnLoopback(db, {
      log,
      auth: { apiKeys: parseApiKeys(editor.entry), readAccess: "open" },
    }));
    // A JVM start (up to 300 s, src/db/embedded.ts) and a first seed load: over 3 minutes on a busy machine.
  }, 420_000);
  afterAll(async () => {
    await close?.();
    await db?.close();
    await neo4j?.stop();
    for (const dir of mounts) {
      execFileSync("umount", ["-l", dir]);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses writes with 503 STORAGE_FULL below the reserve, keeps reads, and writes again once space is freed", async () => {
    await fill((minFreeMb - 16) * 1048576);
    const refused = await addSource("Le Mali et la Russie signent un accord.");
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe("30");
    expect(refused.body.errors[0].extensions).toMatchObject({ code: "STORAGE_FULL", minFreeMiB: minFreeMb });
    expect(refused.body.errors[0].message).toMatch(/disk is full .* writes resume once space is freed/);
    expect((await readMali()).body).toEqual({ data: { actor: { name: "Mali" } } });

    unfill();
    const accepted = await addSource("Le Mali et la Russie signent un accord.");
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.addSource.source.key).toMatch(/^src-/);
  });

  it("survives a write that fills the disk: Neo4j panics, the output log fails, and all is served again once space is freed", async () => {
    // Another writer takes the disk (here: the test, past the service's reserve), then a large write needs
    // more than is left: the store cannot grow, Neo4j panics and its launcher exits for a restart.
    await fill(0);
    const filled = Date.now();
    const javaPid = neo4j.pid;
    const big = "x".repeat(1_000_000);
    let panicked = false;
    for (let attempt = 0; attempt < 10 && !panicked; attempt += 1) {
      panicked = await db.driver
        .executeQuery("UNWIND range(1, 20) AS i CREATE (:Filler {s: $big})", { big }, { database: "neo4j" })
        .then(
          () => false,
          () => true,
        );
    }
    expect(panicked).toBe(true);
    console.info(`panicked after ${((Date.now() - filled) / 1000).toFixed(1)} s`);
    const deadline = Date.now() + 30_000;
    while (!logged.some((l) => /Embedded Neo4j's database panicked/.test(l.msg)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(logged.some((l) => /Embedded Neo4j's database panicked/.test(l.msg))).toBe(true);
    // Its last words could not be written to neo4j-embedded.log: said once, not fatal.
    expect(logged.some((l) => l.level === 40 && /Cannot write Neo4j's output .*ENOSPC/.test(l.msg))).toBe(
      true,
    );
    // The service is alive and answers: writes STORAGE_FULL at once, reads 503 while Neo4j is down.
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const refused = await addSource("Le Mali et la Russie signent un second accord.");
    expect(refused.status).toBe(503);
    expect(refused.body.errors[0].extensions.code).toBe("STORAGE_FULL");
    expect((await readMali()).status).toBe(503);
    // The restart waits for space, and says so once.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(logged.filter((l) => /Neo4j restarts once 64 MiB are free/.test(l.msg))).toHaveLength(1);
    expect(logged.some((l) => /Embedded Neo4j restarted/.test(l.msg))).toBe(false);

    unfill();
    const freed = Date.now();
    let answer = await readMali();
    while (answer.status !== 200 && Date.now() - freed < 180_000) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      answer = await readMali();
    }
    expect(answer.body).toEqual({ data: { actor: { name: "Mali" } } });
    expect(neo4j.pid).not.toBe(javaPid);
    const written = await addSource("Le Mali et la Russie signent un second accord.");
    expect(written.status).toBe(200);
    console.info(`served again ${((Date.now() - freed) / 1000).toFixed(1)} s after space was freed`);
  }, 300_000);

  it("stops start-up in one line naming the directory when its disk is below the reserve", async () => {
    const small = await mountTmpfs(32);
    const dataDir = path.join(small, "neo4j");
    const error = await startEmbeddedNeo4j(
      { dataDir, boltPort: 0, heapMb: 256, pageCacheMb: 16, password },
      log,
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `The disk of the Neo4j data directory ${dataDir} is full (32 MiB free): free some space or move NEO4J_DATA_DIR. Neo4j needs at least ${minFreeMb} MiB to start (NEO4J_MIN_FREE_MB).`,
    );
  });

  it("stops start-up in one line naming the directory when its disk is read-only", async () => {
    const readOnly = await mountTmpfs(32, "ro");
    const error = await startEmbeddedNeo4j(
      { dataDir: readOnly, boltPort: 0, heapMb: 256, pageCacheMb: 16, password },
      log,
    ).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `The disk of the Neo4j data directory ${readOnly} is read-only: fix its permissions or mount.`,
    );
  });

  it("names the full disk when Neo4j itself cannot start on it (its transaction logs are preallocated)", async () => {
    // Above the reserve, below what a new store preallocates (256 MiB of transaction log per database).
    const small = await mountTmpfs(200);
    const dataDir = path.join(small, "neo4j");
    const error = await startEmbeddedNeo4j(
      { dataDir, boltPort: 0, heapMb: 256, pageCacheMb: 16, password },
      log,
    ).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `The disk of the Neo4j data directory ${dataDir} is full: free some space or move NEO4J_DATA_DIR.`,
    );
  });
});
