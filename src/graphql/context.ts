import type { Database } from "../db/database.js";
import { createLoaders, type Loaders } from "./loaders.js";

/** What every resolver gets: the database and this request's own loaders. */
export interface GraphQLContext {
  db: Database;
  loaders: Loaders;
}

export function createContext(db: Database): GraphQLContext {
  return { db, loaders: createLoaders(db) };
}
