import type { Database } from "../db/database.js";

/** What every resolver gets: the database, for the loaders and named query functions. */
export interface GraphQLContext {
  db: Database;
}
