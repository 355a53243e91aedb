import os from "node:os";
import { createApiKey, listApiKeys, revokeApiKey } from "../api-keys.js";
import { generateApiKey, keyNamePattern, type Role, roles } from "../auth.js";
import { bounds } from "../graphql/bounds.js";
import { CommandError, runCommand, withDatabase } from "./run.js";

const usage = `usage:
  npm run api-key -- create NAME ROLE   a key stored (hashed) in the database; works at once on every replica
  npm run api-key -- list               the keys: API_KEYS's, then the stored ones (never a key or its hash)
  npm run api-key -- revoke NAME        revokes a stored key; it fails from the next request on
  npm run api-key -- NAME ROLE          a key for API_KEYS (bootstrapping): prints the key and the entry to add
ROLE: ${roles.join(", ")}. create, list and revoke work on the configured Neo4j (NEO4J_URI to reach a running one).`;

/** A column of `rows` padded to its widest cell. */
const table = (rows: string[][]) => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
};

/**
 * `npm run api-key -- create|list|revoke ...`: API keys managed in the database, as the admin mutations do, made
 * by the CLI user (`cli:<user>` in the keys' history); `npm run api-key -- NAME ROLE`: a key for API_KEYS.
 */
await runCommand(async (context) => {
  const [command, ...args] = process.argv.slice(2);
  const roleOf = (role: string | undefined) => {
    if (!role || !roles.includes(role as Role)) throw new CommandError(usage);
    return role as Role;
  };
  const admin = { name: `cli:${os.userInfo().username}`, role: "admin" as const };
  const environment = context.config.auth.apiKeys;
  if (command === "create" && args.length === 2) {
    const [name = "", role] = args;
    const { key, apiKey } = await withDatabase(context, (db) =>
      createApiKey(db, environment, admin, { name, role: roleOf(role) }),
    );
    console.log(
      `API key "${apiKey.name}" (${apiKey.role}) created; it works now on every replica. Give it to its holder ` +
        `(it is shown only this once):\n  ${key}`,
    );
  } else if (command === "list" && args.length === 0) {
    const max = bounds.apiKeys.max;
    const keys = await withDatabase(context, (db) => listApiKeys(db, environment, max + 1), {
      readOnly: true,
    });
    const rows = keys
      .slice(0, max)
      .map((k) => [
        k.name,
        k.role,
        k.source,
        k.createdAt ?? "-",
        k.createdBy ?? "-",
        k.lastUsedAt ?? "-",
        k.revokedAt ? `${k.revokedAt} by ${k.revokedBy}` : "-",
      ]);
    console.log(table([["NAME", "ROLE", "SOURCE", "CREATED", "BY", "LAST USED", "REVOKED"], ...rows]));
    if (keys.length > max) console.log(`(only the first ${max} keys are listed)`);
  } else if (command === "revoke" && args.length === 1) {
    const [name = ""] = args;
    const { apiKey, alreadyRevoked } = await withDatabase(context, (db) =>
      revokeApiKey(db, environment, admin, name),
    );
    console.log(
      alreadyRevoked
        ? `API key "${apiKey.name}" was already revoked at ${apiKey.revokedAt} by ${apiKey.revokedBy}; nothing changed.`
        : `API key "${apiKey.name}" revoked; it fails from the next request on, on every replica.`,
    );
  } else if (
    command !== undefined &&
    keyNamePattern.test(command) &&
    !["create", "list", "revoke"].includes(command) &&
    args.length === 1
  ) {
    const { key, entry } = generateApiKey(command, roleOf(args[0]));
    console.log(`API key for ${command} (give it to them; it is not stored anywhere):\n  ${key}`);
    console.log(`Add this entry to API_KEYS (comma-separated):\n  ${entry}`);
  } else throw new CommandError(usage);
});
