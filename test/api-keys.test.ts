import neo4j from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Authenticator, createApiKey, revokeApiKey } from "../src/api-keys.js";
import { generateApiKey, hashKey, parseApiKeys } from "../src/auth.js";
import { Database } from "../src/db/database.js";
import type { DomainError } from "../src/domain/errors.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { runCli } from "./support/ingest-cli.js";
import { postGraphQL, serveOnLoopback } from "./support/server.js";

/**
 * API keys at runtime (decision record 029): created, listed and revoked by an admin through the API and the CLI,
 * stored hashed in Neo4j, and effective on the next request at every replica: two servers, each with its own
 * driver, over the one test database.
 */

const root = generateApiKey("root", "admin");
const eve = generateApiKey("eve", "editor");
const auth = { apiKeys: parseApiKeys(`${root.entry},${eve.entry}`), readAccess: "key" as const };

const create = `mutation ($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { key apiKey { name role source createdAt createdBy lastUsedAt revokedAt } } }`;
const revoke = `mutation ($name: String!) {
  revokeApiKey(input: { name: $name }) { alreadyRevoked apiKey { name revokedAt revokedBy } } }`;
const list = `{ apiKeys { name role source createdAt createdBy lastUsedAt revokedAt revokedBy } }`;
/** The cheapest request a key must pass: READ_ACCESS=key, so every request is authenticated. */
const ping = "{ __typename }";

/** `npm run api-key -- ARGS` as an operator runs it, against the test run's Neo4j, with root's key in API_KEYS. */
const runApiKey = (...args: string[]) => runCli("api-key.ts", args, { API_KEYS: root.entry });

describe("API keys at runtime", () => {
  let dbA: Database;
  let dbB: Database;
  let a: Awaited<ReturnType<typeof serveOnLoopback>>;
  let b: Awaited<ReturnType<typeof serveOnLoopback>>;

  beforeAll(async () => {
    dbA = await connectTestDatabase();
    await resetDatabase(dbA);
    dbB = await connectTestDatabase();
    a = await serveOnLoopback(dbA, { auth });
    b = await serveOnLoopback(dbB, { auth });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dbA?.close();
    await dbB?.close();
  });

  const code = (response: { body: { errors?: { extensions?: { code?: string } }[] } }) =>
    response.body.errors?.[0]?.extensions?.code;

  it("a key created on replica A works on the next request at A and B; revoked on B, it fails on the next at both", async () => {
    const created = await postGraphQL(a.base, create, { input: { name: "carol", role: "EDITOR" } }, root.key);
    expect(created.body.errors).toBeUndefined();
    const { key, apiKey } = created.body.data.createApiKey;
    expect(key).toMatch(/^agk_[\w-]{32}$/);
    expect(apiKey).toMatchObject({ name: "carol", role: "EDITOR", source: "DATABASE", createdBy: "root" });
    expect(apiKey.revokedAt).toBeNull();

    for (const replica of [b, a]) {
      const answer = await postGraphQL(replica.base, ping, {}, key);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ data: { __typename: "Query" } });
    }
    // An editor, not an admin.
    const listing = await postGraphQL(b.base, list, {}, key);
    expect(listing.status).toBe(403);
    expect(code(listing)).toBe("FORBIDDEN");

    const revoked = await postGraphQL(b.base, revoke, { name: "carol" }, root.key);
    expect(revoked.body.data.revokeApiKey).toMatchObject({
      alreadyRevoked: false,
      apiKey: { name: "carol", revokedBy: "root" },
    });
    for (const replica of [a, b]) {
      const answer = await postGraphQL(replica.base, ping, {}, key);
      expect(answer.status).toBe(401);
      expect(code(answer)).toBe("UNAUTHENTICATED");
      expect(answer.body.errors[0].message).toMatch(/^The API key "carol" was revoked at \d{4}-/);
    }
    const again = await postGraphQL(a.base, revoke, { name: "carol" }, root.key);
    expect(again.body.data.revokeApiKey).toMatchObject({
      alreadyRevoked: true,
      apiKey: revoked.body.data.revokeApiKey.apiKey,
    });
  });

  it("lists keys with their history, never a key or its hash, and stores only the hash", async () => {
    const created = await postGraphQL(b.base, create, { input: { name: "dana", role: "READER" } }, root.key);
    const { key } = created.body.data.createApiKey;
    const listing = await postGraphQL(a.base, list, {}, root.key);
    expect(listing.body.errors).toBeUndefined();
    const keys = listing.body.data.apiKeys;
    expect(keys.map((k: { name: string }) => k.name)).toEqual(["root", "eve", "dana", "carol"]);
    expect(keys[0]).toEqual({
      name: "root",
      role: "ADMIN",
      source: "ENVIRONMENT",
      createdAt: null,
      createdBy: null,
      lastUsedAt: null,
      revokedAt: null,
      revokedBy: null,
    });
    expect(keys[2]).toMatchObject({ name: "dana", role: "READER", source: "DATABASE", createdBy: "root" });
    expect(keys[3]).toMatchObject({ name: "carol", revokedBy: "root" });
    const hash = hashKey(key).toString("hex");
    const text = JSON.stringify(listing.body);
    expect(text).not.toContain(key);
    expect(text).not.toContain(hash);
    const { records } = await dbA.read("MATCH (k:ApiKey {name: 'dana'}) RETURN properties(k) AS k");
    const stored = JSON.stringify(records[0]?.get("k"));
    expect(stored).toContain(hash);
    expect(stored).not.toContain(key);
  });

  it("records a key's last use once per minute, not per request", async () => {
    const { key } = (await postGraphQL(a.base, create, { input: { name: "lou", role: "READER" } }, root.key))
      .body.data.createApiKey;
    const lastUsed = async () =>
      (await dbA.read("MATCH (k:ApiKey {name: 'lou'}) RETURN toString(k.lastUsedAt) AS at")).records[0]?.get(
        "at",
      ) as string | null;
    expect(await lastUsed()).toBeNull();
    await postGraphQL(a.base, ping, {}, key);
    let first: string | null = null;
    for (let i = 0; i < 50 && first === null; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      first = await lastUsed();
    }
    expect(first).not.toBeNull();
    // Ten more requests on both replicas within the minute write nothing.
    for (let i = 0; i < 5; i += 1) {
      await postGraphQL(a.base, ping, {}, key);
      await postGraphQL(b.base, ping, {}, key);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await lastUsed()).toBe(first);
  });

  it("costs one index seek per request with a stored key, none with a key of API_KEYS or none at all", async () => {
    const { key } = (await postGraphQL(a.base, create, { input: { name: "max", role: "READER" } }, root.key))
      .body.data.createApiKey;
    const tripsOf = async (presented?: string) => {
      const before = dbA.roundTrips;
      const answer = await postGraphQL(a.base, ping, {}, presented);
      return { trips: dbA.roundTrips - before, status: answer.status };
    };
    expect(await tripsOf(key)).toEqual({ trips: 1, status: 200 });
    expect(await tripsOf(root.key)).toEqual({ trips: 0, status: 200 });
    expect(await tripsOf()).toEqual({ trips: 0, status: 401 });
    const plan = await dbA.read("EXPLAIN MATCH (k:ApiKey {hash: $hash}) RETURN k.name AS name", {
      hash: hashKey(key).toString("hex"),
    });
    expect(JSON.stringify(plan.summary.plan)).toContain("NodeUniqueIndexSeek");
  });

  it("looks up the keys presented in the same turn of the event loop in one round trip, each fresh", async () => {
    const authenticator = new Authenticator(dbA, auth, quietLog);
    const live = await createApiKey(
      dbA,
      [],
      { name: "root", role: "admin" },
      { name: "pat", role: "reader" },
    );
    const gone = await createApiKey(
      dbA,
      [],
      { name: "root", role: "admin" },
      { name: "sid", role: "editor" },
    );
    await revokeApiKey(dbA, [], { name: "root", role: "admin" }, "sid");
    const before = dbA.roundTrips;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        authenticator.callerOf([live.key, gone.key, "agk_unknown"][i % 3] as string).then(
          (caller) => caller?.name,
          (error: DomainError) => error.code,
        ),
      ),
    );
    expect(dbA.roundTrips - before).toBe(1);
    expect(answers.slice(0, 6)).toEqual([
      "pat",
      "UNAUTHENTICATED",
      "UNAUTHENTICATED",
      "pat",
      "UNAUTHENTICATED",
      "UNAUTHENTICATED",
    ]);
    // A lookup asked after a revocation committed sees it: nothing is kept between turns.
    expect(await authenticator.callerOf(live.key)).toEqual({ name: "pat", role: "reader" });
    await revokeApiKey(dbA, [], { name: "root", role: "admin" }, "pat");
    await expect(authenticator.callerOf(live.key)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("refuses key management to non-admins, duplicate and bad names, and keys of API_KEYS", async () => {
    const byEditor = await postGraphQL(a.base, create, { input: { name: "x", role: "ADMIN" } }, eve.key);
    expect([byEditor.status, code(byEditor)]).toEqual([403, "FORBIDDEN"]);
    expect(byEditor.body.errors[0].message).toContain('the key of "eve" has editor');
    const anonymous = await postGraphQL(a.base, create, { input: { name: "x", role: "ADMIN" } });
    expect([anonymous.status, code(anonymous)]).toEqual([401, "UNAUTHENTICATED"]);
    const wrong = await postGraphQL(a.base, list, {}, "agk_not-a-key");
    expect([wrong.status, code(wrong)]).toEqual([401, "UNAUTHENTICATED"]);
    expect(wrong.body.errors[0].message).toBe("The API key is not valid.");

    // dana exists; carol was revoked: names are never reused.
    for (const name of ["dana", "carol", "root"]) {
      const duplicate = await postGraphQL(b.base, create, { input: { name, role: "READER" } }, root.key);
      expect(code(duplicate)).toBe("CONFLICT");
      expect(duplicate.body.errors[0].message).toContain(`"${name}"`);
    }
    const bad = await postGraphQL(b.base, create, { input: { name: "two words", role: "READER" } }, root.key);
    expect(code(bad)).toBe("BAD_USER_INPUT");
    expect(bad.body.errors[0].message).toContain('name "two words" must be 1 to 64 letters');
    const environment = await postGraphQL(b.base, revoke, { name: "eve" }, root.key);
    expect(code(environment)).toBe("CONFLICT");
    expect(environment.body.errors[0].message).toContain("set in API_KEYS");
    const unknown = await postGraphQL(b.base, revoke, { name: "nobody" }, root.key);
    expect(code(unknown)).toBe("NOT_FOUND");
    const { records } = await dbA.read("MATCH (k:ApiKey) RETURN count(k) AS n");
    expect(records[0]?.get("n")).toBe(6);
  });

  it("answers a stored key SERVICE_UNAVAILABLE while the database is down, and still takes keys of API_KEYS", async () => {
    const driver = neo4j.driver("bolt://127.0.0.1:1", neo4j.auth.basic("neo4j", "unused-password"), {
      connectionTimeout: 1000,
    });
    const down = new Database(driver, "neo4j", {
      queryTimeoutMs: 2000,
      maxRetryMs: 200,
      startupTimeoutMs: 2000,
    });
    const replica = await serveOnLoopback(down, { auth });
    try {
      const stored = await postGraphQL(replica.base, ping, {}, "agk_some-stored-key");
      expect([stored.status, code(stored)]).toEqual([503, "SERVICE_UNAVAILABLE"]);
      expect(stored.body.errors[0].message).toContain("The API key cannot be checked now");
      const bootstrap = await postGraphQL(replica.base, ping, {}, root.key);
      expect(bootstrap.status).toBe(200);
    } finally {
      await replica.close();
      await down.close();
    }
  });

  it("npm run api-key -- create, list and revoke work on the database, at once for a running replica", async () => {
    const created = await runApiKey("create", "nina", "editor");
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const key = created.stdout.match(/agk_[\w-]{32}/)?.[0];
    expect(key).toBeDefined();
    expect((await postGraphQL(b.base, ping, {}, key)).status).toBe(200);

    const listed = await runApiKey("list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^NAME +ROLE +SOURCE/);
    expect(listed.stdout).toMatch(/\nroot +admin +environment/);
    expect(listed.stdout).toMatch(/\nnina +editor +database +\d{4}-\S+ +cli:/);
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).not.toContain(hashKey(key as string).toString("hex"));

    const duplicate = await runApiKey("create", "nina", "reader");
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('CONFLICT: An API key named "nina" exists');

    const revoked = await runApiKey("revoke", "nina");
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('API key "nina" revoked');
    expect((await postGraphQL(a.base, ping, {}, key)).status).toBe(401);

    const bootstrap = await runApiKey("ops", "admin");
    expect(bootstrap.code).toBe(0);
    expect(bootstrap.stdout).toMatch(/ops:admin:[0-9a-f]{64}/);
    const usage = await runApiKey("create", "nina");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("npm run api-key -- create NAME ROLE");
  }, 180_000); // six commands, each starting Node, four opening the database
});
