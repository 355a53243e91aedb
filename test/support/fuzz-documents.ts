import fc from "fast-check";
import {
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
} from "graphql";

/**
 * Generated GraphQL documents for property tests and the abuse benchmark, built from the schema's types: nested
 * lists, aliases, inline and named fragments, @skip/@include, and arguments given inline or as variables, with
 * values inside and outside their bounds (negative, huge, past Int32) and keys of the graph the documents run
 * against, sometimes unknown ones. The documents stay within the document limits (depth, aliases, directives)
 * most of the time, so that most of them reach the cost estimate and execution.
 */

/** Keys and names of the graph the documents will run against. */
export interface KeyPools {
  actors: string[];
  /** Names and aliases, for actor(name:). */
  names: string[];
  relations: string[];
  sources: string[];
  citations: string[];
}

type Value =
  | { kind: "enum"; value: string }
  | { kind: "string"; value: string }
  | { kind: "int"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  | { kind: "list"; items: Value[] }
  | { kind: "object"; fields: [string, Value][] };

/** How an argument reaches the server: in the document, or as a variable (sent, left out, or of a wrong type). */
type Passing = "inline" | "variable" | "variable-omitted" | "variable-wrong-type";

interface Argument {
  name: string;
  type: string;
  value: Value;
  passing: Passing;
}

interface Directive {
  name: "skip" | "include";
  value: boolean;
  variable: boolean;
}

type Selection =
  | {
      kind: "field";
      name: string;
      alias: string | null;
      args: Argument[];
      directive: Directive | null;
      selections: Selection[] | null;
    }
  | { kind: "inline"; on: string | null; selections: Selection[] }
  | { kind: "fragment"; on: string; selections: Selection[] };

export interface GeneratedOperation {
  operation: "query" | "mutation";
  named: boolean;
  selections: Selection[];
}

/** A document ready to send. */
export interface PrintedDocument {
  query: string;
  variables: Record<string, unknown>;
}

/** Field depth of the documents: the service refuses deeper ones (MAX_QUERY_DEPTH, 12 by default). */
export const generatedMaxDepth = 12;
/** Aliases per document: the service refuses more (MAX_ALIASES, 20 by default). */
export const generatedMaxAliases = 20;

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** Integers around each bound of the API (0, the defaults and maxima, one past them), and far outside. */
function intArbitrary(name: string): fc.Arbitrary<number> {
  const around: Record<string, number[]> = {
    first: [0, 1, 20, 99, 100, 101],
    last: [0, 1, 20, 100, 101],
    limit: [0, 1, 49, 50, 99, 100, 101, 499, 500, 501, 999, 1000, 1001, 4999, 5000, 5001],
    depth: [0, 1, 2, 3, 4],
    maxHops: [0, 1, 4, 6, 7],
    chars: [0, 1, 200, 2000, 2001],
  };
  const small = name === "depth" ? fc.integer({ min: 1, max: 3 }) : fc.integer({ min: 0, max: 5 });
  return fc.oneof(
    { weight: 30, arbitrary: small },
    { weight: 6, arbitrary: fc.constantFrom(...(around[name] ?? [0, 1, 10, 100])) },
    { weight: 2, arbitrary: fc.constantFrom(-1, -100, 2_147_483_647, -2_147_483_648) },
    // Past Int32: refused while coercing, inline or as a variable.
    { weight: 1, arbitrary: fc.constantFrom(2_147_483_648, 1e15, -1e15) },
    { weight: 1, arbitrary: fc.integer() },
  );
}

/** Relay cursors: offsets from this API's own cursors, around and past their range, and garbage. */
const cursorArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 120 }).map((n) => b64(`OffsetConnection:${n}`)) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom("-5", "-1", "99999999999999", "9223372036854775807", "1e3", "abc", "", "1.5", "0x10")
      .map((n) => b64(`OffsetConnection:${n}`)),
  },
  { weight: 1, arbitrary: fc.constantFrom("garbage", "", "%%%", b64("Actor:mali"), "T2Zmc2V0") },
);

const dateArbitrary = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom("2021-05-24", "2022-02-01", "2023-12-31", "1960-01-01", "2026-11-26"),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("2020-02-30", "2021", "2021-13-01", "", "24/05/2021", "0000-00-00"),
  },
);

/** Strings that are not keys of anything, some of them odd. */
const unknownKey = fc.oneof(
  fc.constantFrom("no-such-actor", "", " ", "MALI", " mali", "mali\u0000", "ma'li\"", "x".repeat(2000)),
  fc.string({ maxLength: 12 }),
);

/** `arbitrary` one time in `every`, else null. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

function pick(pool: string[], unknownWeight = 1): fc.Arbitrary<string> {
  if (pool.length === 0) return unknownKey;
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...pool) },
    { weight: unknownWeight, arbitrary: unknownKey },
  );
}

/** The documents' arbitrary over `schema`, with keys from `pools`. */
export function documentArbitrary(
  schema: GraphQLSchema,
  pools: KeyPools,
  options: { maxDepth?: number; mutations?: boolean } = {},
): fc.Arbitrary<GeneratedOperation> {
  const maxDepth = options.maxDepth ?? generatedMaxDepth;
  // The types a global id may name: those with an id, per the schema.
  const nodeInterface = schema.getType("Node");
  const nodeTypeNames = isInterfaceType(nodeInterface)
    ? schema.getImplementations(nodeInterface).objects.map((type) => type.name)
    : ["State", "Relation"];
  const actorKey = pick(pools.actors);
  const anyKey = fc.oneof(pick(pools.actors), pick(pools.relations), pick(pools.sources));
  const globalId = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...nodeTypeNames),
          fc.oneof(pick(pools.actors, 0), pick(pools.relations, 0), pick(pools.citations, 0)),
        )
        .map(([type, key]) => b64(`${type}:${key}`)),
    },
    { weight: 1, arbitrary: pick(pools.sources, 0).map((key) => b64(`Source:${key}`)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("Foo", "Query", "PageInfo", "Actor", "Node", "Stats", ""), actorKey)
        .map(([type, key]) => b64(`${type}:${key}`)),
    },
    { weight: 1, arbitrary: fc.constantFrom("x", "", "U3RhdGU=", "!!", b64("State:")) },
  );
  const searchQuery = fc.oneof(
    fc.constantFrom("goita", "mali", "a", "forces armees", "LAVROV", "Moscou", "syn", "person 1", "actor"),
    fc.constantFrom("", "!!!", "a b c d e f g h i j k", "*", "mali OR russia", '"wagner"', "a".repeat(500)),
    fc.string({ maxLength: 15 }),
  );

  /** A string argument, by where it is: keys of the right kind where the API expects them. */
  const stringFor = (field: string, arg: string): fc.Arbitrary<string> => {
    if (arg === "after" || arg === "before") return cursorArbitrary;
    if (arg === "query") return searchQuery;
    if (arg === "name" && field === "actor") return pick(pools.names);
    if (field === "relation" && arg === "key") return pick(pools.relations);
    if (field === "source" && arg === "key") return pick(pools.sources);
    if ((field === "history" || field === "__input") && arg === "key") return anyKey;
    if (arg === "source") return pick(pools.sources);
    if (["key", "actor", "actors", "from", "to", "other", "speaker", "into"].includes(arg)) return actorKey;
    return fc.string({ maxLength: 20 });
  };

  const inputValue = (type: GraphQLInputType, field: string, arg: string): fc.Arbitrary<Value> => {
    const nullable = !isNonNullType(type);
    const inner = getNullableType(type) as GraphQLInputType;
    let value: fc.Arbitrary<Value>;
    if (isListType(inner)) {
      const item = inputValue(inner.ofType, field, arg);
      // nodes(ids:) takes at most 100 ids and subgraph(actors:) 50 actors: sometimes right around the bound.
      const around = arg === "ids" ? [99, 100, 101, 150] : arg === "actors" ? [49, 50, 51] : [];
      value = fc
        .oneof(
          { weight: 6, arbitrary: fc.array(item, { maxLength: 4 }) },
          {
            weight: around.length > 0 ? 1 : 0,
            arbitrary: fc
              .tuple(fc.constantFrom(...(around.length > 0 ? around : [0])), item)
              .chain(([n, first]) =>
                fc.array(item, { minLength: n - 1, maxLength: n - 1 }).map((rest) => [first, ...rest]),
              ),
          },
        )
        .map((items) => ({ kind: "list", items }) as Value);
    } else if (isEnumType(inner)) {
      value = fc
        .constantFrom(...inner.getValues().map((v) => v.name))
        .map((v) => ({ kind: "enum", value: v }));
    } else if (isInputObjectType(inner)) {
      const fields = Object.values(inner.getFields());
      value = fc
        .tuple(
          ...fields.map((f) => {
            const v = inputValue(f.type, "__input", f.name);
            const entry = v.map((x) => [f.name, x] as [string, Value]);
            return isNonNullType(f.type) ? entry : sometimes(entry, 3);
          }),
        )
        .map((entries) => ({
          kind: "object",
          fields: entries.filter((e): e is [string, Value] => e !== null),
        }));
    } else if (isScalarType(inner)) {
      switch (inner.name) {
        case "Int":
          value = intArbitrary(arg).map((v) => ({ kind: "int", value: v }));
          break;
        case "Boolean":
          value = fc.boolean().map((v) => ({ kind: "bool", value: v }));
          break;
        case "ID":
          value = globalId.map((v) => ({ kind: "string", value: v }));
          break;
        case "Date":
          value = dateArbitrary.map((v) => ({ kind: "string", value: v }));
          break;
        default:
          value = stringFor(field, arg).map((v) => ({ kind: "string", value: v }));
      }
    } else {
      throw new Error(`no generator for input type ${String(type)}`);
    }
    return nullable
      ? fc.oneof(
          { weight: 12, arbitrary: value },
          { weight: 1, arbitrary: fc.constant<Value>({ kind: "null" }) },
        )
      : value;
  };

  const argumentOf = (field: string, arg: GraphQLArgument): fc.Arbitrary<Argument | null> => {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    // Left out, a variable of a non-null type only makes the request fail its coercion: it is left out of
    // nullable arguments only.
    const passing = fc.oneof(
      { weight: 24, arbitrary: fc.constant<Passing>("inline") },
      { weight: 12, arbitrary: fc.constant<Passing>("variable") },
      { weight: isNonNullType(arg.type) ? 0 : 2, arbitrary: fc.constant<Passing>("variable-omitted") },
      { weight: 1, arbitrary: fc.constant<Passing>("variable-wrong-type") },
    );
    const argument = fc
      .tuple(inputValue(arg.type, field, arg.name), passing)
      .map(([value, how]): Argument => ({ name: arg.name, type: String(arg.type), value, passing: how }));
    if (required) return argument;
    // Bounds are given more often than other optional arguments, so that more documents get past the estimate.
    return ["first", "last", "limit", "depth"].includes(arg.name)
      ? fc.oneof({ weight: 2, arbitrary: argument }, { weight: 1, arbitrary: fc.constant(null) })
      : sometimes(argument, 3);
  };

  const directive: fc.Arbitrary<Directive | null> = sometimes(
    fc.record({
      name: fc.constantFrom("skip" as const, "include" as const),
      value: fc.boolean(),
      variable: fc.boolean(),
    }),
    15,
  );

  const memo = new Map<string, fc.Arbitrary<Selection[]>>();
  const isList = (field: GraphQLField<unknown, unknown>) => isListType(getNullableType(field.type));

  /** The selection set of `type` whose fields sit at `depth` (the operation's own fields are at depth 1). */
  const selectionsOf = (type: GraphQLCompositeType, depth: number): fc.Arbitrary<Selection[]> => {
    const key = `${type.name}@${depth}`;
    const known = memo.get(key);
    if (known) return known;
    const items: fc.WeightedArbitrary<Selection>[] = [];
    // Filled below, once the memo holds this entry: the fields may lead back to this very type.
    const arbitrary = fc
      .constant(null)
      .chain(() => fc.array(fc.oneof(...items), { minLength: 1, maxLength: depth <= 2 ? 3 : 2 }));
    memo.set(key, arbitrary);
    const fields: GraphQLField<unknown, unknown>[] =
      isObjectType(type) || isInterfaceType(type) ? Object.values(type.getFields()) : [];
    if (type.name === "Query") fields.push(SchemaMetaFieldDef, TypeMetaFieldDef);
    for (const field of fields) {
      const named = getNamedType(field.type);
      const composite = isCompositeType(named);
      if (composite && depth >= maxDepth) continue;
      let weight = composite ? (isList(field) ? 4 : 3) : 1;
      if (field.name.startsWith("__")) weight = 1;
      const args = fc.tuple(...field.args.map((a) => argumentOf(field.name, a)));
      const sub = composite ? selectionsOf(named, depth + 1) : fc.constant(null);
      items.push({
        weight,
        arbitrary: fc.tuple(args, sub, sometimes(fc.constantFrom("a", "b", "x", "y"), 8), directive).map(
          ([given, selections, alias, dir]): Selection => ({
            kind: "field",
            name: field.name,
            alias,
            args: given.filter((a): a is Argument => a !== null),
            directive: dir,
            selections,
          }),
        ),
      });
    }
    items.push({
      weight: 1,
      arbitrary: fc.constant<Selection>({
        kind: "field",
        name: "__typename",
        alias: null,
        args: [],
        directive: null,
        selections: null,
      }),
    });
    // Fragments on the type itself, or on one of its possible types for an interface.
    const targets = isAbstractType(type) ? [type, ...schema.getPossibleTypes(type)] : [type];
    if (depth < maxDepth) {
      items.push({
        weight: 2,
        arbitrary: fc.constantFrom(...targets).chain((target) =>
          fc.tuple(selectionsOf(target, depth), fc.constantFrom("inline", "inline-bare", "fragment")).map(
            ([selections, how]): Selection =>
              how === "fragment"
                ? { kind: "fragment", on: target.name, selections }
                : {
                    kind: "inline",
                    on: how === "inline-bare" && target === type ? null : target.name,
                    selections,
                  },
          ),
        ),
      });
    }
    return arbitrary;
  };

  const queryType = schema.getQueryType();
  const mutationType = schema.getMutationType();
  if (!queryType) throw new Error("schema without a query type");
  const operations: fc.WeightedArbitrary<GeneratedOperation>[] = [
    {
      weight: 12,
      arbitrary: fc
        .tuple(selectionsOf(queryType, 1), fc.boolean())
        .map(([selections, named]) => ({ operation: "query" as const, named, selections })),
    },
  ];
  if (mutationType && options.mutations !== false) {
    operations.push({
      weight: 1,
      arbitrary: selectionsOf(mutationType, 1).map((selections) => ({
        operation: "mutation" as const,
        named: true,
        selections,
      })),
    });
  }
  return fc.oneof(...operations);
}

/** Prints a generated operation: fragments hoisted and named, variables declared, response names unique. */
export function printDocument(operation: GeneratedOperation): PrintedDocument {
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const fragments = new Map<string, { name: string; text: string }>();
  let aliases = 0;
  let directives = 0;

  const literal = (value: Value): string => {
    switch (value.kind) {
      case "enum":
        return value.value;
      case "string":
        return JSON.stringify(value.value);
      case "int":
        return String(value.value);
      case "bool":
        return String(value.value);
      case "null":
        return "null";
      case "list":
        return `[${value.items.map(literal).join(", ")}]`;
      case "object":
        return `{${value.fields.map(([name, v]) => `${name}: ${literal(v)}`).join(", ")}}`;
    }
  };
  const json = (value: Value): unknown => {
    switch (value.kind) {
      case "null":
        return null;
      case "list":
        return value.items.map(json);
      case "object":
        return Object.fromEntries(value.fields.map(([name, v]) => [name, json(v)]));
      default:
        return value.value;
    }
  };
  const wrongType = (value: Value): unknown =>
    value.kind === "int" ? String(value.value) : value.kind === "list" ? { not: "a list" } : 12345.5;
  const variable = (type: string, value: unknown, send: boolean): string => {
    const name = `v${declarations.length}`;
    declarations.push(`$${name}: ${type}`);
    if (send) variables[name] = value;
    return `$${name}`;
  };
  const argument = (arg: Argument): string => {
    switch (arg.passing) {
      case "inline":
        return `${arg.name}: ${literal(arg.value)}`;
      case "variable":
        return `${arg.name}: ${variable(arg.type, json(arg.value), true)}`;
      case "variable-omitted":
        return `${arg.name}: ${variable(arg.type, undefined, false)}`;
      case "variable-wrong-type":
        return `${arg.name}: ${variable(arg.type, wrongType(arg.value), true)}`;
    }
  };
  /** `used`: the response names of the selection set, shared with its inline fragments (they merge). */
  const selectionSet = (selections: readonly Selection[], used = new Set<string>()): string => {
    const printed = selections.map((selection) => {
      if (selection.kind === "inline") {
        return `... ${selection.on ? `on ${selection.on} ` : ""}${selectionSet(selection.selections, used)}`;
      }
      if (selection.kind === "fragment") {
        const body = `on ${selection.on} ${selectionSet(selection.selections)}`;
        let fragment = fragments.get(body);
        if (!fragment) {
          fragment = { name: `F${fragments.size}`, text: body };
          fragments.set(body, fragment);
        }
        return `...${fragment.name}`;
      }
      // The same response name twice would need the same field and arguments: an alias keeps them apart.
      let alias = selection.alias;
      if (used.has(alias ?? selection.name)) {
        let n = 2;
        while (used.has(`${selection.name}${n}`)) n += 1;
        alias = `${selection.name}${n}`;
      }
      if (alias !== null) {
        if (aliases >= generatedMaxAliases) return "";
        aliases += 1;
      }
      used.add(alias ?? selection.name);
      const args = selection.args.length > 0 ? `(${selection.args.map(argument).join(", ")})` : "";
      let dir = "";
      if (selection.directive && directives < 20) {
        directives += 1;
        const condition = selection.directive.variable
          ? variable("Boolean!", selection.directive.value, true)
          : String(selection.directive.value);
        dir = ` @${selection.directive.name}(if: ${condition})`;
      }
      const sub = selection.selections ? ` ${selectionSet(selection.selections)}` : "";
      return `${alias ? `${alias}: ` : ""}${selection.name}${args}${dir}${sub}`;
    });
    const kept = printed.filter((text) => text !== "");
    return `{ ${kept.length > 0 ? kept.join(" ") : "__typename"} }`;
  };

  const body = selectionSet(operation.selections);
  const header =
    operation.operation === "query" && !operation.named && declarations.length === 0
      ? ""
      : `${operation.operation} Generated${declarations.length > 0 ? `(${declarations.join(", ")})` : ""} `;
  const definitions = [...fragments.values()].map((f) => `fragment ${f.name} ${f.text}`);
  return { query: [header + body, ...definitions].join("\n"), variables };
}

/** Keys of the graph in `db`: its best-connected actors first (the hubs), then some of the others. */
export async function keyPoolsOf(
  db: { read(cypher: string): Promise<{ records: { get(key: string): unknown }[] }> },
  extraActors: string[] = [],
): Promise<KeyPools> {
  const { records } = await db.read(
    `CALL () {
       MATCH (a:Actor) WITH a, COUNT { (a)-[:RELATION]-() } AS degree ORDER BY degree DESC, a.id LIMIT 30
       RETURN collect(a.id) AS hubs, collect(a.name) AS names, collect(a.aliases[0]) AS aliases
     }
     CALL () { MATCH (a:Actor) WITH a ORDER BY a.id DESC LIMIT 20 RETURN collect(a.id) AS others }
     CALL () { MATCH ()-[r:RELATION]->() WITH r ORDER BY r.id LIMIT 100 RETURN collect(r.id) AS relations }
     CALL () { MATCH (s:Source) WITH s ORDER BY s.id LIMIT 30 RETURN collect(s.id) AS sources }
     CALL () { MATCH (c:Citation) WITH c ORDER BY c.id LIMIT 60 RETURN collect(c.id) AS citations }
     RETURN hubs, names, aliases, others, relations, sources, citations`,
  );
  const record = records[0];
  const list = (key: string) =>
    ((record?.get(key) ?? []) as (string | null)[]).filter((v): v is string => !!v);
  return {
    actors: [...new Set([...extraActors, ...list("hubs"), ...list("others")])],
    names: [...list("names"), ...list("aliases")],
    relations: list("relations"),
    sources: list("sources"),
    citations: list("citations"),
  };
}
