import type { ApiKeyEntry, Caller } from "../auth.js";
import type { Database } from "../db/database.js";
import type { Projection } from "../db/projection.js";
import type { NlpService } from "../nlp/service.js";
import type { RequestBudget } from "./budget.js";
import type { ChangeFeed, SubscriberClient } from "./change-feed.js";

/**
 * What every resolver gets: the database, this request's budget and projection, and who is calling. A leaf of
 * types: the builder, the refs and the loaders all name it, so it names none of them. The request's loaders live
 * in its context cache (src/graphql/loaders.ts); src/graphql/create-context.ts makes a request's context.
 */
export interface GraphQLContext {
  /** The database as this request sees it: its reads give up when the request's budget aborts. */
  db: Database;
  /**
   * The record properties this request's document reads (src/graphql/projection.ts), set before execution;
   * whole records until then. A holder, shared by the loaders and by Yoga's copies of the context.
   */
  projection: { current: Projection };
  /** The request's items, bytes and time; resolvers charge it (see src/graphql/bounds.ts). */
  budget: RequestBudget;
  /** null for an anonymous caller. */
  caller: Caller | null;
  /** The keys of API_KEYS, which key management lists and never changes. */
  environmentKeys: readonly ApiKeyEntry[];
  /** Article intake's French NLP (src/nlp/service.ts); null when the service has none (intake without NLP). */
  nlp: NlpService | null;
  /** The feed subscriptions open on, and who would subscribe (src/graphql/change-feed.ts); null for a script. */
  live: { feed: ChangeFeed; client: SubscriberClient } | null;
  /** The HTTP request, which Yoga adds; absent when a script executes the schema directly. */
  request?: Request;
}
