import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { serviceCommand } from "../bench/load-lib.js";
import { projectRoot } from "../src/domain/project.js";
import { freePort } from "../src/net.js";

/**
 * `npm start` as a newcomer runs it: the built entry point (the suite's global set-up builds it), the embedded
 * Neo4j, the real seed.
 */
interface Started {
  child: ChildProcess;
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

const dataDir = path.join(projectRoot, ".data", `test-startup-${process.pid}`);
const running = new Set<ChildProcess>();

function start(env: Record<string, string>): Started {
  const { NEO4J_URI: _ignored, ...inherited } = process.env;
  const child = spawn(serviceCommand[0] as string, serviceCommand.slice(1), {
    cwd: projectRoot,
    env: { ...inherited, LOG_FORMAT: "json", NEO4J_DATA_DIR: dataDir, NEO4J_HEAP_MB: "512", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that a failed test can end the service and the JVM under it at once.
    detached: true,
  });
  running.add(child);
  const logs: Record<string, unknown>[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream as NodeJS.ReadableStream }).on("line", (line) => {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ msg: line });
      }
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, logs, exited };
}

/**
 * How long a test that starts the service may take, in milliseconds: a JVM start and a first seed load, which
 * took over a minute together on a busy 2-core machine.
 */
const startLimitMs = 300_000;

async function waitForLog(started: Started, pattern: RegExp, timeoutMs = startLimitMs - 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = started.logs.find((entry) => pattern.test(String(entry.msg)));
    if (found) return found;
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no log line ${pattern} in:\n${started.logs.map((l) => JSON.stringify(l)).join("\n")}`);
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function graphql(port: number, query: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

describe("npm start", () => {
  // A test that failed half-way must not leave a service (or, through it, a JVM) running.
  afterEach(async () => {
    for (const child of running) {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it(
    "starts Neo4j, loads the seed, serves GraphQL, and leaves no java process when stopped",
    async () => {
      const port = await freePort();
      const started = start({ PORT: String(port), NEO4J_BOLT_PORT: String(await freePort()) });
      const neo4j = await waitForLog(started, /Embedded Neo4j listening on bolt:\/\/127\.0\.0\.1:/);
      const ready = await waitForLog(
        started,
        /GraphQL service ready at http:\/\/127\.0\.0\.1:\d+\/graphql \(started in/,
      );
      expect(ready.startupSeconds).toBeGreaterThan(0);
      await waitForLog(started, /^Seed loaded$/);

      const readiness = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(readiness.status).toBe(200);
      expect(await graphql(port, "{ __typename sources { edges { node { key } } } }")).toMatchObject({
        data: {
          __typename: "Query",
          sources: { edges: expect.arrayContaining([{ node: { key: "src-004-dw-mali-dit-oui-russie" } }]) },
        },
      });

      const javaPid = neo4j.pid as number;
      expect(isAlive(javaPid)).toBe(true);
      // Ctrl-C, as the README says to stop it; SIGTERM reaches the same handler (src/main.ts), and
      // test/load.test.ts stops a service with it under load.
      started.child.kill("SIGINT");
      expect(await started.exited).toBe(0);
      expect(isAlive(javaPid)).toBe(false);
    },
    startLimitMs,
  );

  it(
    "reuses the data on a second start, skips the unchanged seed, and leaves no java process when node is killed outright",
    async () => {
      const port = await freePort();
      const started = start({ PORT: String(port), NEO4J_BOLT_PORT: String(await freePort()) });
      const neo4j = await waitForLog(started, /Embedded Neo4j listening/);
      await waitForLog(started, /Seed unchanged since the last load; skipped/);
      await waitForLog(started, /GraphQL service ready/);
      const body = await graphql(port, "{ sources { totalCount } }");
      expect(body.data.sources.totalCount).toBe(5);
      // No signal handler runs: the JVM ends because its stdin (a pipe from node) closes.
      process.kill(-(started.child.pid as number), "SIGKILL");
      await started.exited;
      const javaPid = neo4j.pid as number;
      const deadline = Date.now() + 30_000;
      while (isAlive(javaPid) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect(isAlive(javaPid)).toBe(false);
    },
    startLimitMs,
  );

  it("says in one line that the port is in use, before starting anything", async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const started = start({ PORT: String(port) });
      expect(await started.exited).toBe(1);
      const errors = started.logs.filter((entry) => entry.level === 50);
      expect(errors.map((entry) => entry.msg)).toEqual([
        `Port ${port} on 127.0.0.1 is already in use; set PORT to a free port.`,
      ]);
      expect(started.logs.some((entry) => /Embedded Neo4j listening/.test(String(entry.msg)))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it("stops on a bad setting with a message naming the variable", async () => {
    const started = start({ PORT: "eighty" });
    expect(await started.exited).toBe(1);
    expect(started.logs.map((entry) => entry.msg).join("\n")).toContain(
      'PORT: must be a port from 0 to 65535 (0 = any free port); got "eighty"',
    );
  });
});
