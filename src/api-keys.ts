import DataLoader from "dataloader";
import { LRUCache } from "lru-cache";
import neo4j from "neo4j-driver";
import {
  type ApiKeyEntry,
  type Caller,
  environmentEntry,
  hashKey,
  keyNamePattern,
  newApiKey,
  presentedKey,
  type Role,
  roles,
} from "./auth.js";
import type { AuthConfig } from "./config.js";
import {
  createKey,
  type KeyByHash,
  keysByHash,
  listKeys,
  recordKeyUse,
  revokeKey,
  type StoredApiKey,
} from "./db/api-keys.js";
import { type Database, DatabaseNotAnswering } from "./db/database.js";
import { badInput, conflict, notFound, serviceUnavailable, unauthenticated } from "./domain/errors.js";
import { show } from "./domain/grammar.js";
import type { Logger } from "./logger.js";

/**
 * API keys at runtime (decision record 029): keys from API_KEYS (the environment, for bootstrapping) and keys an
 * admin creates and revokes while the service runs, stored hashed in Neo4j (src/db/api-keys.ts). Every request
 * that presents a key not in API_KEYS looks its hash up in the database: one index seek, no cache, so a key
 * created or revoked on one replica counts on the next request at every replica. Lookups go in batches, one
 * round trip each (dataloader, without its cache): a batch is sent at once while fewer than
 * `maxLookupsInFlight` are under way, else as soon as one returns, taking every lookup asked meanwhile. Each
 * lookup is sent after its request arrived, so it sees every change committed before; under load, the
 * requests of many clients share one round trip.
 */

/** A key as answers show it: never the key nor its hash. */
export interface ApiKeyView extends Omit<StoredApiKey, "role" | "createdAt" | "createdBy"> {
  role: Role;
  /** Where the key is kept: "environment" (API_KEYS; no dates, cannot be revoked here) or "database". */
  source: "environment" | "database";
  /** When and by whom it was created (ISO 8601, UTC); null for a key of API_KEYS. */
  createdAt: string | null;
  createdBy: string | null;
}

/** How often a key's last use is written, at most, in seconds: reads stay reads. */
export const keyUseIntervalSeconds = 60;

/** Most key lookups sent in one round trip; more asked at once go in several. */
const maxLookupsPerRoundTrip = 100;

/** Most round trips of key lookups under way at once; lookups asked meanwhile wait for one to return. */
const maxLookupsInFlight = 2;

/** Most keys whose recent use this process remembers, so as not to write it again: about 1 MB. */
const rememberedUses = 10_000;

/**
 * Who is calling, for each request: API_KEYS first (in memory, compared in constant time), then the database.
 * Records a stored key's use at most once per `keyUseIntervalSeconds`, in the background.
 */
export class Authenticator {
  /** The hashes (hex) whose use this process recorded in the last interval. */
  private readonly recentUses: LRUCache<string, true>;
  /** Stored keys by hash (hex), in batches (see the module's comment), never cached. */
  private readonly lookups: DataLoader<string, KeyByHash | null>;
  /** Round trips of lookups under way, and the batches waiting for one of them to return. */
  private lookupsInFlight = 0;
  private readonly batchesWaiting: (() => void)[] = [];

  constructor(
    /** The service's database (not a request's view: a key's use is written after its request may have ended). */
    private readonly db: Database,
    private readonly config: AuthConfig,
    private readonly log: Logger,
  ) {
    this.recentUses = new LRUCache({ max: rememberedUses, ttl: keyUseIntervalSeconds * 1000 });
    this.lookups = new DataLoader((hashes) => this.lookUp(hashes), {
      cache: false,
      maxBatchSize: maxLookupsPerRoundTrip,
      batchScheduleFn: (send) => {
        if (this.lookupsInFlight < maxLookupsInFlight) process.nextTick(send);
        else this.batchesWaiting.push(send);
      },
    });
  }

  /** One batch of lookups, one round trip; when it returns, the oldest batch waiting is sent. */
  private async lookUp(hashes: readonly string[]): Promise<(KeyByHash | null)[]> {
    this.lookupsInFlight += 1;
    try {
      return await keysByHash(this.db, hashes, keyUseIntervalSeconds);
    } finally {
      this.lookupsInFlight -= 1;
      this.batchesWaiting.shift()?.();
    }
  }

  /** The keys of API_KEYS. */
  get environment(): readonly ApiKeyEntry[] {
    return this.config.apiKeys;
  }

  /**
   * The caller `key` names: null for no key.
   * @throws UNAUTHENTICATED for a key that is neither in API_KEYS nor stored, or that was revoked.
   * @throws SERVICE_UNAVAILABLE when the key is not in API_KEYS and the database cannot be asked.
   */
  async callerOf(key: string | null): Promise<Caller | null> {
    if (key === null) return null;
    const hash = hashKey(key);
    const entry = environmentEntry(hash, this.config.apiKeys);
    if (entry) return { name: entry.name, role: entry.role };
    const hex = hash.toString("hex");
    const stored = await this.lookups.load(hex).catch((error: unknown) => {
      if (error instanceof DatabaseNotAnswering || neo4j.isRetryableError(error)) {
        throw serviceUnavailable(
          "The API key cannot be checked now: the database does not answer (keys set in API_KEYS still work). Try again shortly.",
        );
      }
      throw error;
    });
    if (!stored) throw unauthenticated("The API key is not valid.");
    if (stored.revokedAt !== null) {
      throw unauthenticated(`The API key "${stored.name}" was revoked at ${stored.revokedAt}.`);
    }
    if (stored.useStale && !this.recentUses.has(hex)) this.recordUse(hex, stored.name);
    return { name: stored.name, role: roleOf(stored) };
  }

  /**
   * Who may read: the caller a request's key names, or null for an anonymous caller where reads are open.
   * @throws UNAUTHENTICATED for a wrong key, or no key where reads need one; SERVICE_UNAVAILABLE as callerOf.
   */
  async readingCaller(headers: Headers): Promise<Caller | null> {
    const caller = await this.callerOf(presentedKey(headers));
    if (!caller && this.config.readAccess === "key")
      throw unauthenticated("Reading needs an API key on this server.");
    return caller;
  }

  /** Writes a key's use in the background; a failure is logged, and the use is tried again next interval. */
  private recordUse(hex: string, name: string): void {
    this.recentUses.set(hex, true);
    recordKeyUse(this.db, hex, keyUseIntervalSeconds).catch((error: unknown) => {
      this.log.warn({ key: name, reason: (error as Error).message }, "Could not record an API key's use");
    });
  }
}

/** A stored key's role, checked: a role the service does not know is a fault of the data, not of the caller. */
function roleOf(key: { name: string; role: string }): Role {
  if (!roles.includes(key.role as Role))
    throw new Error(`The stored API key "${key.name}" has an unknown role ${show(key.role)}`);
  return key.role as Role;
}

const fromEnvironment = (entry: ApiKeyEntry): ApiKeyView => ({
  name: entry.name,
  role: entry.role,
  source: "environment",
  createdAt: null,
  createdBy: null,
  lastUsedAt: null,
  revokedAt: null,
  revokedBy: null,
});

const fromDatabase = (key: StoredApiKey): ApiKeyView => ({ ...key, role: roleOf(key), source: "database" });

/**
 * Creates and stores a key named `name` with `role`, made by `by`: the key itself is in the answer, once, and
 * stored nowhere.
 * @throws BAD_USER_INPUT for a name or role outside the rules; CONFLICT for a name used already (in API_KEYS, or
 *   by a stored key, live or revoked: names are never reused).
 */
export async function createApiKey(
  db: Database,
  environment: readonly ApiKeyEntry[],
  by: Caller,
  { name, role }: { name: string; role: string },
): Promise<{ key: string; apiKey: ApiKeyView }> {
  if (!keyNamePattern.test(name)) {
    throw badInput(
      `name ${show(name)} must be 1 to 64 letters, digits, "_", ".", "@" or "-" (the key's holder, e.g. alice@desk)`,
      { field: "name" },
    );
  }
  if (!roles.includes(role as Role))
    throw badInput(`role ${show(role)} must be one of ${roles.join(", ")}`, { field: "role" });
  if (environment.some((entry) => entry.name === name)) {
    throw conflict(`An API key named "${name}" is set in API_KEYS; choose another name.`);
  }
  const key = newApiKey();
  const hash = hashKey(key).toString("hex");
  const stored = await createKey(db, { name, role, hash, createdBy: by.name });
  if (!stored.created) {
    const state = stored.key.revokedAt === null ? "exists" : `was revoked at ${stored.key.revokedAt}`;
    throw conflict(
      `An API key named "${name}" ${state}, created by ${stored.key.createdBy}; names are never reused, choose another.`,
    );
  }
  return { key, apiKey: fromDatabase(stored.key) };
}

/** The keys of API_KEYS, then the stored ones (live first, each group oldest first): at most `limit` in all. */
export async function listApiKeys(
  db: Database,
  environment: readonly ApiKeyEntry[],
  limit: number,
): Promise<ApiKeyView[]> {
  const fromEnv = environment.slice(0, limit).map(fromEnvironment);
  const stored = limit > fromEnv.length ? await listKeys(db, limit - fromEnv.length) : [];
  return [...fromEnv, ...stored.map(fromDatabase)];
}

/**
 * Revokes the stored key named `name`, as `by`: from the next request on, at every replica, it fails with
 * UNAUTHENTICATED. Revoking a revoked key changes nothing and answers its first revocation.
 * @throws NOT_FOUND for a name no stored key has; CONFLICT for a key set in API_KEYS (removed there, not here).
 */
export async function revokeApiKey(
  db: Database,
  environment: readonly ApiKeyEntry[],
  by: Caller,
  name: string,
): Promise<{ apiKey: ApiKeyView; alreadyRevoked: boolean }> {
  const revoked = await revokeKey(db, name, by.name);
  if (revoked === "missing") {
    if (environment.some((entry) => entry.name === name)) {
      throw conflict(
        `The API key "${name}" is set in API_KEYS: remove its entry there and restart the service to revoke it.`,
      );
    }
    throw notFound("API key", name, { argument: "input.name" });
  }
  return { apiKey: fromDatabase(revoked.key), alreadyRevoked: revoked.already };
}
