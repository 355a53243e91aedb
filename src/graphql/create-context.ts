import { initContextCache } from "@pothos/core";
import type { Authenticator } from "../api-keys.js";
import type { LimitsConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { wholeRecords } from "../db/projection.js";
import type { NlpService } from "../nlp/service.js";
import { type BytesInFlight, RequestBudget } from "./budget.js";
import type { ChangeFeed, SubscriberClient } from "./change-feed.js";
import type { GraphQLContext } from "./context.js";

/**
 * Builds a request's context; a wrong or revoked key, or no key where reads need one, fails the request
 * (UNAUTHENTICATED), and so does a stored key while the database cannot check it (SERVICE_UNAVAILABLE).
 * `inFlight` is the service's count of response bytes that its budget charges too (its own when absent); `nlp`
 * the service's French NLP, which intake asks (none: intake proposes from the gazetteer alone); `live` the feed
 * subscriptions open on and the client asking (none: subscriptions answer SERVICE_UNAVAILABLE).
 */
export async function createContext(
  db: Database,
  authenticator: Authenticator,
  limits: LimitsConfig,
  headers: Headers,
  inFlight?: BytesInFlight,
  nlp: NlpService | null = null,
  live: { feed: ChangeFeed; client: SubscriberClient } | null = null,
): Promise<GraphQLContext> {
  const caller = await authenticator.readingCaller(headers);
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
    environmentKeys: authenticator.environment,
    nlp,
    live,
  };
}
