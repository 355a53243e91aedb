import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { forbidden, unauthenticated } from "./domain/errors.js";

/** Roles in increasing power: each can do what the ones before it can. */
export const roles = ["reader", "editor", "admin"] as const;
export type Role = (typeof roles)[number];

export interface ApiKeyEntry {
  name: string;
  role: Role;
  /** SHA-256 of the key, hex. The key itself is never stored or logged. */
  hash: Buffer;
}

/**
 * What an API key's name may be: 1 to 64 letters, digits, `_`, `.`, `@` or `-`. It names the key's holder in the
 * history of writes (Change.by), so it is simple and never reused.
 */
export const keyNamePattern = /^[\w.@-]{1,64}$/;

export interface Caller {
  name: string;
  role: Role;
}

/**
 * Parses API_KEYS: comma-separated `name:role:sha256hex` entries, as `npm run api-key` prints them.
 * Throws a message naming the bad entry.
 */
export function parseApiKeys(value: string): ApiKeyEntry[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry, index) => {
      const [name, role, hash, ...rest] = entry.split(":");
      if (!name || !keyNamePattern.test(name) || rest.length > 0) {
        throw new Error(`entry ${index + 1} must be name:role:sha256hex with a simple name`);
      }
      if (!roles.includes(role as Role))
        throw new Error(`entry ${index + 1} ("${name}"): role must be one of ${roles.join(", ")}`);
      if (!hash || !/^[0-9a-f]{64}$/.test(hash)) {
        throw new Error(
          `entry ${index + 1} ("${name}"): the hash must be 64 lower-case hex digits (SHA-256)`,
        );
      }
      return { name, role: role as Role, hash: Buffer.from(hash, "hex") };
    });
}

export function hashKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/** A new random API key: `agk_` and 24 random bytes in base64url. */
export function newApiKey(): string {
  return `agk_${randomBytes(24).toString("base64url")}`;
}

/** A new random key and the API_KEYS entry that grants it `role`. */
export function generateApiKey(name: string, role: Role): { key: string; entry: string } {
  const key = newApiKey();
  return { key, entry: `${name}:${role}:${hashKey(key).toString("hex")}` };
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(headers: Headers): string | null {
  const bearer = headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? headers.get("x-api-key")?.trim() ?? null;
}

/**
 * The API_KEYS entry whose hash is `hash` (SHA-256 of a presented key), or undefined: every entry is compared, in
 * constant time, so timing tells nothing about the stored hashes.
 */
export function environmentEntry(hash: Buffer, entries: readonly ApiKeyEntry[]): ApiKeyEntry | undefined {
  let match: ApiKeyEntry | undefined;
  for (const entry of entries) if (timingSafeEqual(entry.hash, hash)) match ??= entry;
  return match;
}

/** Fails unless the caller holds `role` or a stronger one. */
export function requireRole(caller: Caller | null, role: Role): Caller {
  if (!caller)
    throw unauthenticated(`This needs an API key with the ${role} role (Authorization: Bearer <key>).`);
  if (roles.indexOf(caller.role) < roles.indexOf(role)) {
    throw forbidden(`This needs the ${role} role; the key of "${caller.name}" has ${caller.role}.`);
  }
  return caller;
}
