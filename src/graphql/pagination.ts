import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { badInput } from "./errors.js";

export const defaultPageSize = 20;
export const maxPageSize = 100;

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  before?: string | null;
  after?: string | null;
}

/**
 * A Relay connection over a stable ordering, with `totalCount`. Cursors are offsets into that ordering.
 * A page larger than `maxPageSize` is refused rather than silently cut.
 */
export async function offsetConnection<T>(
  args: ConnectionArgs,
  fetch: (offset: number, limit: number) => Promise<{ total: number; items: T[] }>,
) {
  for (const name of ["first", "last"] as const) {
    const value = args[name];
    if (value != null && (value < 0 || value > maxPageSize)) {
      throw badInput(`"${name}" must be between 0 and ${maxPageSize}; got ${value}`);
    }
  }
  if (args.last != null && args.before == null && args.first == null) {
    throw badInput('"last" needs "before" or "first"');
  }
  let total = 0;
  const connection = await resolveOffsetConnection(
    { args, defaultSize: defaultPageSize, maxSize: maxPageSize },
    async ({ offset, limit }) => {
      const page = await fetch(offset, limit);
      total = page.total;
      return page.items;
    },
  );
  return { ...connection, totalCount: total };
}
