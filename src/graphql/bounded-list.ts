import type {
  FieldKind,
  FieldRef,
  InputFieldMap,
  InputShapeFromFields,
  MaybePromise,
  OutputShape,
  OutputType,
  SchemaTypes,
} from "@pothos/core";
import type { GraphQLResolveInfo } from "graphql";
import { type ListBound, limitDescription, listComplexity, listLimit } from "./bounds.js";
import { builder } from "./builder.js";
import type { GraphQLContext } from "./context.js";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;

/** The `limit` argument of a plain list field, with its bound's default and a description stating it. */
const limitArgs = (bound: ListBound, what: string) =>
  builder.args((t) => ({
    limit: t.int({ defaultValue: bound.default, description: limitDescription(bound, what) }),
  }));

type LimitArgs = ReturnType<typeof limitArgs>;

/** What declares a plain list field bounded by one entry of `bounds` (src/graphql/bounds.ts). */
export interface BoundedListOptions<
  Parent,
  Item extends OutputType<Types>,
  Args extends InputFieldMap,
  After extends InputFieldMap,
> {
  type: [Item];
  /** The list's entry of `bounds`: the `limit` argument's default and maximum. */
  bound: ListBound;
  /** What the list holds, plural, as the `limit` argument's description names it ("citations"). */
  what: string;
  description: string;
  extensions?: Record<string, unknown>;
  /** The field's own cost, before its children's (1 unless it reads something big). */
  fieldCost?: number;
  /** Arguments before `limit`. */
  args?: Args;
  /** Arguments after `limit`, for a field whose schema has them there (the snippets' `chars`). */
  argsAfterLimit?: After;
  /**
   * The items, in the list's order; the first `limit` are kept. `count` is one more than the limit, so that an
   * answer longer than the limit says that the list was cut: a fetch may pass it on as its LIMIT, or answer all.
   */
  resolve: (
    parent: Parent,
    args: InputShapeFromFields<Args & LimitArgs & After>,
    context: GraphQLContext,
    info: GraphQLResolveInfo,
    count: number,
  ) => MaybePromise<readonly OutputShape<Types, Item>[]>;
}

/**
 * A plain list field bounded by `bound`, declared once: its `limit` argument (default and maximum from the
 * bound, described), its cost (its children once per item it may return) and its resolve, which checks the
 * limit, asks `resolve` for one item more, keeps the first `limit`, charges them to the request's budget and
 * records a cut in the response's `extensions.truncated`.
 * @throws BAD_USER_INPUT (when resolved) for a limit out of range; LIMIT_EXCEEDED when the budget is spent.
 */
export function boundedListField<
  Parent,
  Kind extends FieldKind,
  Item extends OutputType<Types>,
  Args extends InputFieldMap = Record<never, never>,
  After extends InputFieldMap = Record<never, never>,
>(
  t: PothosSchemaTypes.RootFieldBuilder<Types, Parent, Kind>,
  {
    bound,
    what,
    fieldCost = 1,
    args,
    argsAfterLimit,
    resolve,
    ...options
  }: BoundedListOptions<Parent, Item, Args, After>,
): FieldRef<Types, readonly OutputShape<Types, Item>[], Kind> {
  // Pothos types a field's options from a literal call; here BoundedListOptions has checked them already.
  const field = t.field.bind(t) as (
    options: object,
  ) => FieldRef<Types, readonly OutputShape<Types, Item>[], Kind>;
  return field({
    ...options,
    args: { ...args, ...limitArgs(bound, what), ...argsAfterLimit },
    complexity: listComplexity(bound, fieldCost),
    resolve: async (
      parent: Parent,
      fieldArgs: InputShapeFromFields<Args & LimitArgs & After>,
      context: GraphQLContext,
      info: GraphQLResolveInfo,
    ) => {
      const max = listLimit((fieldArgs as { limit?: number | null }).limit, bound, info);
      const items = await resolve(parent, fieldArgs, context, info, max + 1);
      if (items.length > max) context.budget.recordTruncation(info, max);
      const kept = items.slice(0, max);
      context.budget.chargeItems(kept.length);
      return kept;
    },
  });
}
