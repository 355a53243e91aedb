import type { LoggedChange } from "../db/change-log.js";
import { badInput, serviceUnavailable } from "../domain/errors.js";
import type { FeedEvent } from "./change-feed.js";
import type { GraphQLContext } from "./context.js";
import { decodeCursor, encodeCursor, type KeysetOrder } from "./pagination.js";

/**
 * What the subscription fields share (docs/decisions/039-subscriptions.md): their cursors, and the opening of a
 * subscription on the context's feed. A cursor names a change's place in the history (its sequence number),
 * opaque to clients like the lists' cursors.
 */

const changeOrder: KeysetOrder<number> = {
  name: "changes",
  parse: (value) => (Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined),
};

/** The cursor of a change: pass it back as `after` to get what follows it. */
export const changeCursor = (change: LoggedChange) => encodeCursor(changeOrder.name, change.sequence);

/**
 * Opens a subscription to the changes `accept` keeps, after the cursor `after` when given, on the context's
 * feed. Each event is a change, or the final one that says why the subscriber was dropped.
 * @throws BAD_USER_INPUT for a cursor this API did not issue; the feed's refusals (LIMIT_EXCEEDED,
 *   OVERLOADED); SERVICE_UNAVAILABLE where the service has no feed (a script executing the schema).
 */
export function openFeed(
  context: GraphQLContext,
  after: string | null | undefined,
  accept: (change: LoggedChange) => boolean,
): Promise<AsyncIterableIterator<FeedEvent>> {
  const sequence = after == null ? null : decodeCursor("after", after, changeOrder);
  if (!context.live) throw serviceUnavailable("Subscriptions are served over HTTP (SSE) and WebSocket only.");
  return context.live.feed.subscribe(context.live.client, sequence, accept);
}

/** A subscription field's resolve: the change itself, or the final event's error. */
export function delivered(event: FeedEvent): LoggedChange {
  if ("dropped" in event) throw event.dropped;
  return event;
}

/** Refuses values of a filter list outside `known`, naming the argument and the value. */
export function checkKnown(argument: string, values: readonly string[], known: ReadonlySet<string>): void {
  for (const [i, value] of values.entries()) {
    if (!known.has(value)) {
      throw badInput(
        `${argument}.${i}: ${JSON.stringify(value.slice(0, 40))} is not one of ${[...known].join(", ")}`,
      );
    }
  }
}
