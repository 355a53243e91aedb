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
      if (!name || !/^[\w.@-]{1,64}$/.test(name) || rest.length > 0) {
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

/** A new random key and the API_KEYS entry that grants it `role`. */
export function generateApiKey(name: string, role: Role): { key: string; entry: string } {
  const key = `agk_${randomBytes(24).toString("base64url")}`;
  return { key, entry: `${name}:${role}:${hashKey(key).toString("hex")}` };
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(headers: Headers): string | null {
  const bearer = headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? headers.get("x-api-key")?.trim() ?? null;
}

/**
 * Who is calling: null for an anonymous request; an UNAUTHENTICATED error for a key that matches no entry
 * (compared in constant time, so timing tells nothing about the stored hashes).
 */
export function authenticate(key: string | null, entries: readonly ApiKeyEntry[]): Caller | null {
  if (key === null) return null;
  const hash = hashKey(key);
  const match = entries.find((entry) => timingSafeEqual(entry.hash, hash));
  if (!match) throw unauthenticated("The API key is not valid.");
  return { name: match.name, role: match.role };
}

/**
 * Who may read: the caller a request's key names, or null for an anonymous caller where reads are open.
 * A wrong key, or no key where reads need one, fails with UNAUTHENTICATED.
 */
export function readingCaller(
  headers: Headers,
  auth: { apiKeys: readonly ApiKeyEntry[]; readAccess: "open" | "key" },
): Caller | null {
  const caller = authenticate(presentedKey(headers), auth.apiKeys);
  if (!caller && auth.readAccess === "key") throw unauthenticated("Reading needs an API key on this server.");
  return caller;
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
