import { loadConfig } from "./config.js";
import { checkGraph } from "./db/invariants.js";
import { openDatabase } from "./db/open.js";
import { createLogger } from "./logger.js";

/**
 * `npm run check:graph`: checks the graph's invariants (src/db/invariants.ts) on the configured Neo4j
 * (NEO4J_URI, or the embedded one when no service holds its store), prints every violation and exits 1 when
 * there is one. Reads only.
 */
const config = loadConfig();
const log = createLogger({ level: "warn", format: config.logFormat });
const database = await openDatabase(config, log).catch((error: Error) => {
  console.error(error.message);
  process.exit(2);
});
let exitCode = 0;
try {
  const started = Date.now();
  const { checked, violations } = await checkGraph(database.db);
  const counts = Object.entries(checked)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(", ");
  console.log(`Checked ${counts} in ${Date.now() - started} ms: ${violations.length} violation(s).`);
  for (const v of violations) console.log(`  [${v.rule}] ${v.key}: ${v.message}`);
  exitCode = violations.length > 0 ? 1 : 0;
} catch (error) {
  console.error(error);
  exitCode = 2;
} finally {
  await database.close();
}
process.exit(exitCode);
