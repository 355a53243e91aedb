import { type ListBound, limitDescription } from "./bounds.js";
import { builder } from "./builder.js";

/** The `limit` argument of a plain list field, with its bound's default and a description stating it. */
export const limitArgs = (bound: ListBound, what: string) =>
  builder.args((t) => ({
    limit: t.int({ defaultValue: bound.default, description: limitDescription(bound, what) }),
  }));
