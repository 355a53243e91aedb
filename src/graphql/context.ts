import { initContextCache } from "@pothos/core";
import { type Caller, readingCaller } from "../auth.js";
import type { AuthConfig, LimitsConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { type Projection, wholeRecords } from "../db/projection.js";
import { type BytesInFlight, RequestBudget } from "./budget.js";
import { createLoaders, type Loaders } from "./loaders.js";

/**
 * What every resolver gets: the database, this request's own loaders and budget, and who is calling. The
 * loaders of the graph's objects are the loadable refs' (src/graphql/refs.ts), reached through the context.
 */
export interface GraphQLContext {
  /** The database as this request sees it: its reads give up when the request's budget aborts. */
  db: Database;
  loaders: Loaders;
  /**
   * The record properties this request's document reads (src/graphql/projection.ts), set before execution;
   * whole records until then. A holder, shared by the loaders and by Yoga's copies of the context.
   */
  projection: { current: Projection };
  /** The request's items, bytes and time; resolvers charge it (see src/graphql/bounds.ts). */
  budget: RequestBudget;
  /** null for an anonymous caller. */
  caller: Caller | null;
  /** The HTTP request, which Yoga adds; absent when a script executes the schema directly. */
  request?: Request;
}

/**
 * Builds a request's context; a wrong key, or no key where reads need one, fails the request. `inFlight` is the
 * service's count of response bytes that its budget charges too (its own when absent).
 */
export function createContext(
  db: Database,
  auth: AuthConfig,
  limits: LimitsConfig,
  headers: Headers,
  inFlight?: BytesInFlight,
): GraphQLContext {
  const caller = readingCaller(headers, auth);
  const budget = new RequestBudget(limits, inFlight);
  // The deadline also cuts each read's transaction timeout to what the request has left.
  const requestDb = db.withSignal(budget.signal, Date.now() + limits.requestTimeoutMs);
  // The loadable refs' loaders live in the context cache, which survives Yoga copying the context.
  const projection = { current: wholeRecords };
  return {
    ...initContextCache(),
    db: requestDb,
    loaders: createLoaders(requestDb, projection),
    projection,
    budget,
    caller,
  };
}
