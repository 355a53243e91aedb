import type { AddressInfo } from "node:net";
import { loadConfig } from "../src/config.js";
import { connect } from "../src/db/database.js";
import { createLogger } from "../src/logger.js";
import { createHttpServer, listen } from "../src/server.js";

/**
 * The service alone in a process, as `npm start` runs it (a heap ceiling of 256 MiB), for bench/abuse.ts's search
 * stream: forked with IPC, it connects to the Neo4j that NEO4J_URI names, sends its port, and answers each
 * "measure" message, after a garbage collection (--expose-gc), with its resident size and heap in bytes.
 */
const config = loadConfig(process.env);
const log = createLogger({ level: "silent", format: "json" });
const db = await connect({ ...config.neo4j, uri: config.neo4j.uri as string }, log);
const server = createHttpServer({
  db,
  readiness: { schemaApplied: true, seedLoaded: true },
  log,
  auth: { apiKeys: [], readAccess: "open" },
  http: config.http,
  limits: config.limits,
});
const { port } = (await listen(server, "127.0.0.1", 0)) as AddressInfo;
process.on("message", (message) => {
  if (message !== "measure") return;
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.send?.({ rss, heapUsed });
});
process.on("disconnect", () => {
  server.close();
  void db.close().then(() => process.exit(0));
});
process.send?.({ port });
