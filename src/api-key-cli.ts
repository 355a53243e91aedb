import { generateApiKey, type Role, roles } from "./auth.js";

/** `npm run api-key -- NAME ROLE`: a new key for a person, and the API_KEYS entry that stores only its hash. */
const [name, role] = process.argv.slice(2);
if (!name || !role || !roles.includes(role as Role)) {
  console.error(`usage: npm run api-key -- NAME ROLE   (ROLE: ${roles.join(", ")})`);
  process.exit(2);
}
const { key, entry } = generateApiKey(name, role as Role);
console.log(`API key for ${name} (give it to them; it is not stored anywhere):\n  ${key}`);
console.log(`Add this entry to API_KEYS (comma-separated):\n  ${entry}`);
