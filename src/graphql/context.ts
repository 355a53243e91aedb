import { type Caller, readingCaller } from "../auth.js";
import type { AuthConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { createLoaders, type Loaders } from "./loaders.js";

/** What every resolver gets: the database, this request's own loaders, and who is calling. */
export interface GraphQLContext {
  db: Database;
  loaders: Loaders;
  /** null for an anonymous caller. */
  caller: Caller | null;
}

/** Builds a request's context; a wrong key, or no key where reads need one, fails the request. */
export function createContext(db: Database, auth: AuthConfig, headers: Headers): GraphQLContext {
  return { db, loaders: createLoaders(db), caller: readingCaller(headers, auth) };
}
