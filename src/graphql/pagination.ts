import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { bounds } from "./bounds.js";
import type { RequestBudget } from "./budget.js";
import { badInput } from "./errors.js";

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  before?: string | null;
  after?: string | null;
}

/** Largest offset a cursor may carry: past any list of this API, and far from Cypher's integer overflow. */
const maxCursorOffset = 1_000_000_000;

/**
 * Checks a cursor a client sent back: it must be one this API makes (base64 of "OffsetConnection:N"). Pothos
 * would otherwise pass a negative or overflowing offset, or NaN, on to Cypher, which fails unexpectedly.
 * @throws BAD_USER_INPUT for anything else.
 */
function checkCursor(name: "after" | "before", cursor: string | null | undefined): void {
  if (!cursor) return; // Pothos reads an empty cursor as none
  const decoded = Buffer.from(cursor, "base64").toString("utf8");
  const offset = /^OffsetConnection:(0|[1-9]\d{0,9})$/.exec(decoded)?.[1];
  if (
    offset === undefined ||
    Buffer.from(decoded).toString("base64") !== cursor ||
    Number(offset) > maxCursorOffset
  ) {
    throw badInput(`"${name}" is not a cursor of this API; pass back a cursor a page returned`);
  }
}

/**
 * A Relay connection over a stable ordering, with `totalCount`. Cursors are offsets into that ordering.
 * A page larger than `bounds.page.max` is refused rather than silently cut; its items are charged to `budget`.
 */
export async function offsetConnection<T>(
  args: ConnectionArgs,
  budget: RequestBudget,
  fetch: (offset: number, limit: number) => Promise<{ total: number; items: T[] }>,
) {
  for (const name of ["first", "last"] as const) {
    const value = args[name];
    if (value != null && (value < 0 || value > bounds.page.max)) {
      throw badInput(`"${name}" must be between 0 and ${bounds.page.max}; got ${value}`);
    }
  }
  checkCursor("after", args.after);
  checkCursor("before", args.before);
  if (args.last != null && args.before == null && args.first == null) {
    throw badInput('"last" needs "before" or "first"');
  }
  let total = 0;
  const connection = await resolveOffsetConnection(
    { args, defaultSize: bounds.page.default, maxSize: bounds.page.max },
    async ({ offset, limit }) => {
      const page = await fetch(offset, limit);
      total = page.total;
      budget.chargeItems(page.items.length);
      return page.items;
    },
  );
  return { ...connection, totalCount: total };
}
