import type { ActorRecord } from "../db/records/actor.js";
import {
  keyExists,
  maxSuggestions,
  missingKeys,
  type Read,
  suggestActors,
  suggestSources,
} from "../db/suggest.js";
import { type DomainError, notFound } from "../domain/errors.js";
import type { GraphQLContext } from "./context.js";
import { ActorRef } from "./refs.js";

/**
 * Keys that arguments give and that name nothing: NOT_FOUND naming the argument, with up to three "did you
 * mean" keys (src/db/suggest.ts). The suggestions are looked up only once a key is known to be unknown.
 */

const readOf =
  ({ db }: Pick<GraphQLContext, "db">): Read =>
  (cypher, params) =>
    db.read(cypher, params);

/** NOT_FOUND for the actor key `key` that `argument` gave. */
export async function unknownActor(
  context: Pick<GraphQLContext, "db">,
  key: string,
  argument: string,
): Promise<DomainError> {
  return notFound("actor", key, { argument, suggestions: await suggestActors(readOf(context), key) });
}

/** NOT_FOUND for the source key `key` that `argument` gave. */
export async function unknownSource(
  context: Pick<GraphQLContext, "db">,
  key: string,
  argument: string,
): Promise<DomainError> {
  return notFound("source", key, { argument, suggestions: await suggestSources(readOf(context), key) });
}

/**
 * The actor an argument names (through the request's actor loader, so that it costs nothing when the query
 * needs the actor anyway).
 * @throws NOT_FOUND naming `argument`, with suggestions.
 */
export async function actorArgument(
  context: GraphQLContext,
  key: string,
  argument: string,
): Promise<ActorRecord> {
  const actor = await ActorRef.getDataloader(context).load(key);
  if (!actor) throw await unknownActor(context, key, argument);
  return actor;
}

/**
 * Fails unless every actor and source key that the arguments give exists, checked in one round trip; each
 * entry is [argument, key], and the first unknown one is reported.
 * @throws NOT_FOUND naming the argument, with suggestions.
 */
export async function requireKeys(
  context: Pick<GraphQLContext, "db">,
  keys: { actors: [string, string][]; sources: [string, string][] },
): Promise<void> {
  if (keys.actors.length + keys.sources.length === 0) return;
  const missing = await missingKeys(readOf(context), {
    actors: keys.actors.map(([, key]) => key),
    sources: keys.sources.map(([, key]) => key),
  });
  const actor = keys.actors.find(([, key]) => missing.actors.includes(key));
  if (actor) throw await unknownActor(context, actor[1], actor[0]);
  const source = keys.sources.find(([, key]) => missing.sources.includes(key));
  if (source) throw await unknownSource(context, source[1], source[0]);
}

/**
 * Fails unless `key` (given by `argument`) is an actor's, a relation's or a source's.
 * @throws NOT_FOUND naming the argument, with suggestions among actors and sources.
 */
export async function requireRecord(
  context: Pick<GraphQLContext, "db">,
  key: string,
  argument: string,
): Promise<void> {
  if (await keyExists(readOf(context), key)) return;
  const [actors, sources] = await Promise.all([
    suggestActors(readOf(context), key),
    suggestSources(readOf(context), key),
  ]);
  throw notFound("actor, relation or source", key, {
    argument,
    suggestions: [...actors, ...sources].slice(0, maxSuggestions),
  });
}
