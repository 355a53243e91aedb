import { initContextCache } from "@pothos/core";
import { readingCaller } from "../auth.js";
import type { AuthConfig, LimitsConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { wholeRecords } from "../db/projection.js";
import { type BytesInFlight, RequestBudget } from "./budget.js";
import type { GraphQLContext } from "./context.js";

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
  // The request's loaders (src/graphql/loaders.ts) live in the context cache, which survives Yoga copying the
  // context.
  return {
    ...initContextCache(),
    db: requestDb,
    projection: { current: wholeRecords },
    budget,
    caller,
  };
}
