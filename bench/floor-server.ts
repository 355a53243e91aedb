import { createServer } from "node:http";
import neo4j from "neo4j-driver";
import { benchQueries, paramsFor } from "./queries.js";

/**
 * The floor: the benchmark's hand-written Cypher behind a bare Node HTTP endpoint, nothing else. POST /q/N runs
 * query N of bench/queries.ts and returns its rows as JSON. Started by `npm run bench` as its own process.
 */
const driver = neo4j.driver(
  process.env.NEO4J_URI as string,
  neo4j.auth.basic("neo4j", process.env.NEO4J_PASSWORD ?? "actorgraph-local"),
  { disableLosslessIntegers: true },
);
const params = paramsFor(Number(process.env.BENCH_RELATIONS));
const server = createServer(async (request, response) => {
  const index = Number(request.url?.split("/")[2]);
  const query = benchQueries[index];
  for await (const _chunk of request) {
    // the body is not used: the parameters are the benchmark's fixed ones
  }
  if (!query) {
    response.writeHead(404).end();
    return;
  }
  try {
    const rows = [];
    for (const cypher of query.cypher) {
      const { records } = await driver.executeQuery(cypher, params, {
        database: "neo4j",
        routing: neo4j.routing.READ,
      });
      rows.push(records.map((record) => record.toObject()));
    }
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: rows }));
  } catch (error) {
    response
      .writeHead(500, { "content-type": "application/json" })
      .end(JSON.stringify({ errors: [String(error)] }));
  }
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`FLOOR_READY ${process.env.PORT}`));
process.on("SIGTERM", () => server.close(() => driver.close().then(() => process.exit(0))));
