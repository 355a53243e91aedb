import { checkGraph } from "../db/invariants.js";
import { runDatabaseCommand } from "./run.js";

/**
 * `npm run check:graph`: checks the graph's invariants (src/db/invariants.ts) on the configured Neo4j
 * (NEO4J_URI, or the embedded one when no service holds its store), prints every violation and exits 1 when
 * there is one. Reads only.
 */
await runDatabaseCommand(
  async ({ db }) => {
    const started = Date.now();
    const { checked, violations } = await checkGraph(db);
    const counts = Object.entries(checked)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(", ");
    console.log(`Checked ${counts} in ${Date.now() - started} ms: ${violations.length} violation(s).`);
    for (const v of violations) console.log(`  [${v.rule}] ${v.key}: ${v.message}`);
    return violations.length > 0 ? 1 : 0;
  },
  { readOnly: true },
);
