import { parseArgs } from "node:util";
import { parse, specifiedRules, validate } from "graphql";
import neo4j from "neo4j-driver";
import { openDatabase } from "../src/db/open.js";
import { schema } from "../src/graphql/schema.js";
import { createLogger } from "../src/logger.js";
import { createGraphQLHandler } from "../src/server.js";
import { benchQueries, paramsFor } from "./queries.js";
import { type Size, sizes, syntheticConfig } from "./synthetic.js";

/**
 * `npm run bench:pipeline -- --size S [--requests 200]`: where the service's own CPU goes per request, one
 * request at a time in one process (so that Neo4j's CPU and the other servers' do not count): the whole
 * request through the HTTP handler, the floor's Cypher through a bare driver, and the GraphQL steps on their
 * own (parse, validation, the cost estimate). Figures are CPU milliseconds of this process per request.
 */
const { values } = parseArgs({
  options: { size: { type: "string", default: "S" }, requests: { type: "string", default: "200" } },
});
const size = values.size as Size;
const requests = Number(values.requests);

/** CPU milliseconds (user + system) of this process per call of `run`, after `requests / 4` warm-up calls. */
async function cpuPerCall(run: () => unknown): Promise<number> {
  for (let i = 0; i < requests / 4; i += 1) await run();
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i += 1) await run();
  const used = process.cpuUsage(before);
  return Math.round(((used.user + used.system) / 1000 / requests) * 100) / 100;
}

const config = syntheticConfig(size, { SEED_ON_START: "false" });
const log = createLogger({ level: "silent", format: "json" });
const database = await openDatabase(config, log);
const driver = neo4j.driver(
  database.embedded?.uri ?? (config.neo4j.uri as string),
  neo4j.auth.basic(config.neo4j.user, config.neo4j.password),
  { disableLosslessIntegers: true },
);
try {
  const handler = createGraphQLHandler({
    db: database.db,
    readiness: { schemaApplied: true, seedLoaded: true },
    log,
    auth: config.auth,
    http: config.http,
    limits: config.limits,
  });
  const params = paramsFor(sizes[size]);
  console.log(`bench-${size}: CPU ms of this process per request, ${requests} requests one at a time`);
  console.log(
    "| query | floor (driver only) | service (whole request) | parse | validation | cost estimate |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const query of benchQueries) {
    const document = query.graphql(params);
    const body = JSON.stringify({ query: document });
    const floor = await cpuPerCall(async () => {
      for (const cypher of query.cypher) {
        JSON.stringify(
          (await driver.executeQuery(cypher, params, { database: config.neo4j.database })).records,
        );
      }
    });
    const service = await cpuPerCall(async () => {
      const response = await handler.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
        body,
      });
      const text = await response.text();
      if (text.includes('"errors"')) throw new Error(`${query.name}: ${text.slice(0, 300)}`);
    });
    const parsed = parse(document);
    const parseCost = await cpuPerCall(() => parse(document));
    const validation = await cpuPerCall(() => validate(schema, parsed, specifiedRules));
    const { createComplexityRule } = await import("@pothos/plugin-complexity");
    const cost = await cpuPerCall(() =>
      validate(schema, parsed, [
        createComplexityRule({ context: {}, variableValues: {}, validate: () => {} }),
      ]),
    );
    console.log(`| ${query.name} | ${floor} | ${service} | ${parseCost} | ${validation} | ${cost} |`);
  }
} finally {
  await driver.close();
  await database.close();
}
