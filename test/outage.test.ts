import { rm } from "node:fs/promises";
import type { Server } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import { projectRoot } from "../src/config.js";
import { connect, type Database } from "../src/db/database.js";
import { type EmbeddedNeo4j, startEmbeddedNeo4j } from "../src/db/embedded.js";
import { applySchema } from "../src/db/schema.js";
import { freePort } from "../src/net.js";
import { loadSeed } from "../src/seed/load.js";
import { createHttpServer, defaultHttp, defaultLimits, drain, listen } from "../src/server.js";
import { quietLog } from "./support/db.js";
import { seedDir } from "./support/seed-copy.js";

/**
 * The database goes away while the service runs: requests fail fast with SERVICE_UNAVAILABLE, /ready says 503,
 * and once Neo4j is back the service recovers by itself. A write cut off by a killed database is either wholly
 * there afterwards or wholly absent. Uses its own embedded Neo4j, which it stops, kills and restarts.
 */
describe("database outage", () => {
  const dataDir = path.join(projectRoot, ".data", `test-outage-${process.pid}`);
  const password = "outage-test";
  const editor = generateApiKey("alice", "editor");
  let boltPort: number;
  let neo4j: EmbeddedNeo4j;
  let db: Database;
  let server: Server;
  let base: string;

  const startNeo4j = async () => {
    neo4j = await startEmbeddedNeo4j({ dataDir, boltPort, heapMb: 512, pageCacheMb: 64, password }, quietLog);
  };
  const graphql = async (query: string, variables: Record<string, unknown> = {}, key?: string) => {
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    boltPort = await freePort();
    await startNeo4j();
    db = await connect(
      {
        uri: neo4j.uri,
        user: "neo4j",
        password,
        database: "neo4j",
        connectTimeoutMs: 30_000,
        queryTimeoutMs: 5000,
        maxRetryMs: 1000,
      },
      quietLog,
    );
    await applySchema(db, quietLog);
    await loadSeed(db, seedDir, quietLog);
    server = createHttpServer({
      db,
      readiness: { schemaApplied: true, seedLoaded: true },
      log: quietLog,
      auth: { apiKeys: parseApiKeys(editor.entry), readAccess: "open" },
      http: defaultHttp,
      limits: defaultLimits,
    });
    base = `http://127.0.0.1:${(await listen(server, "127.0.0.1", 0)).port}`;
  });
  afterAll(async () => {
    await drain(server, 1000);
    await db.close();
    await neo4j.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("fails fast while Neo4j is down, and recovers without a restart", async () => {
    expect((await graphql('{ actor(key: "mali") { name } }')).body).toEqual({
      data: { actor: { name: "Mali" } },
    });

    await neo4j.stop();
    const started = performance.now();
    const down = await graphql('{ actor(key: "mali") { name } }');
    const failedAfterMs = performance.now() - started;
    expect(down.status).toBe(503);
    expect(down.body.errors[0]).toMatchObject({
      message: "The database is unavailable; try again shortly.",
      extensions: { code: "SERVICE_UNAVAILABLE" },
    });
    expect(failedAfterMs).toBeLessThan(5000);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ database: "unreachable" });
    expect((await fetch(`${base}/health`)).status).toBe(200);

    await startNeo4j();
    const back = performance.now();
    let answer = await graphql('{ actor(key: "mali") { name } }');
    while (answer.status !== 200 && performance.now() - back < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await graphql('{ actor(key: "mali") { name } }');
    }
    expect(answer.body).toEqual({ data: { actor: { name: "Mali" } } });
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    console.info(
      `outage: failed after ${failedAfterMs.toFixed(0)} ms; answered again ${(performance.now() - back).toFixed(0)} ms after Neo4j was back`,
    );
  });

  it("leaves a write cut off by a killed database wholly there or wholly absent", async () => {
    const source = (
      await graphql(
        'mutation ($t: String!) { addSource(input: { text: $t, language: "fr" }) { source { key } } }',
        { t: "Moscou a livré des radars à Bamako en 2024." },
        editor.key,
      )
    ).body.data.addSource.source.key;
    for (const delayMs of [0, 3, 10]) {
      const key = `rel-outage-${delayMs}`;
      const write = graphql(
        `mutation ($input: AssertRelationInput!) { assertRelation(input: $input) { relation { key } } }`,
        {
          input: {
            key,
            type: "ARMS_SUPPLY",
            from: "russia",
            to: "mali",
            at: "2024",
            citations: [{ source, quote: "Moscou a livré des radars à Bamako en 2024", stance: "REPORTS" }],
          },
        },
        editor.key,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      process.kill(neo4j.pid, "SIGKILL");
      const answer = await write;
      await startNeo4j();
      let state: Record<string, number> | undefined;
      for (let attempt = 0; attempt < 100 && !state; attempt += 1) {
        try {
          const { records } = await db.read(
            `OPTIONAL MATCH ()-[r:RELATION {id: $key}]->() WITH count(r) AS relations
             OPTIONAL MATCH (c:Citation {relationId: $key}) WITH relations, count(c) AS citations
             OPTIONAL MATCH (change:Change) WHERE $key IN change.targets
             RETURN relations, citations, count(change) AS changes`,
            { key },
          );
          state = records[0]?.toObject();
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      const committed = answer.status === 200 && !answer.body.errors;
      expect([state?.relations, state?.citations, state?.changes]).toEqual(committed ? [1, 1, 1] : [0, 0, 0]);
      if (!committed) expect(answer.body.errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
    }
  });
});
