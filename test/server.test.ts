import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { createHttpServer, drain, listen, type Readiness } from "../src/server.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { defaultHttp, defaultLimits } from "./support/defaults.js";

describe("HTTP surface", () => {
  let db: Database;
  let server: Server;
  let base: string;
  const readiness: Readiness = { schemaApplied: true, seedLoaded: true };

  beforeAll(async () => {
    db = await connectTestDatabase();
    await resetDatabase(db);
    server = createHttpServer({
      db,
      readiness,
      log: quietLog,
      auth: { apiKeys: [], readAccess: "open" },
      http: defaultHttp,
      limits: defaultLimits,
    });
    const address = await listen(server, "127.0.0.1", 0);
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await drain(server, 1000);
    await db.close();
  });

  it("answers /health with JSON while the process is alive", async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers /ready with 200 once the database is reachable and start-up is done", async () => {
    const response = await fetch(`${base}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ready",
      database: "reachable",
      schemaApplied: true,
      seedLoaded: true,
    });
  });

  it("answers /ready with 503 while the seed is not loaded", async () => {
    readiness.seedLoaded = false;
    try {
      const response = await fetch(`${base}/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: "not ready", seedLoaded: false });
    } finally {
      readiness.seedLoaded = true;
    }
  });

  it("answers a GraphQL POST through the real database", async () => {
    await db.driver.executeQuery(
      "CREATE (:Source {id: 'probe', file: 'probe.txt', language: 'fr', text: 'x', length: 1})",
      {},
      { database: db.name },
    );
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "{ __typename sources { totalCount edges { node { key file length } } } }",
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: {
        __typename: "Query",
        sources: { totalCount: 1, edges: [{ node: { key: "probe", file: "probe.txt", length: 1 } }] },
      },
    });
  });

  it("answers a GraphQL GET and echoes the caller's request id", async () => {
    const response = await fetch(`${base}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "x-request-id": "abc-123", accept: "application/graphql-response+json" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("abc-123");
    expect(await response.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("serves GraphiQL to a browser", async () => {
    const response = await fetch(`${base}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("GraphiQL");
  });

  it("gives each request an id when the caller gives none", async () => {
    const response = await fetch(`${base}/health`);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
