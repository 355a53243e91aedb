import { generateApiKey, type Role, roles } from "../auth.js";
import { CommandError, runCommand } from "./run.js";

/** `npm run api-key -- NAME ROLE`: a new key for a person, and the API_KEYS entry that stores only its hash. */
await runCommand(() => {
  const [name, role] = process.argv.slice(2);
  if (!name || !role || !roles.includes(role as Role)) {
    throw new CommandError(`usage: npm run api-key -- NAME ROLE   (ROLE: ${roles.join(", ")})`);
  }
  const { key, entry } = generateApiKey(name, role as Role);
  console.log(`API key for ${name} (give it to them; it is not stored anywhere):\n  ${key}`);
  console.log(`Add this entry to API_KEYS (comma-separated):\n  ${entry}`);
});
