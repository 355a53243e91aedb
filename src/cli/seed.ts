import { loadSeed } from "../seed/load.js";
import { runDatabaseCommand } from "./run.js";

/** `npm run seed [-- --force]`: validates the seed directory and loads it in one transaction. */
await runDatabaseCommand(async ({ db, config, log }) => {
  const force = process.argv.includes("--force");
  const result = await loadSeed(db, config.seedDir, log, { force });
  const { sources, actors, relations, citations, mentions } = result.counts;
  console.log(
    `${result.loaded ? "Seed loaded" : "Seed unchanged, not reloaded (use --force to reload)"} in ${result.milliseconds} ms: ` +
      `${sources} sources, ${actors} actors, ${relations} relations, ${citations} citations, ${mentions} source-actor mentions`,
  );
});
