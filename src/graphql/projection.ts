import {
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  isObjectType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { alwaysRead, type Projection, recordProperties } from "../db/projection.js";
import type { GraphQLContext } from "./context.js";

/**
 * The record properties a request reads: for each kind of record (actor, relation, citation, source), the
 * properties that the fields its document selects anywhere need, whatever the path that reaches them. Every
 * record a request fetches therefore holds everything any of its fields asks, so that a record fetched for one
 * field can serve another (the loaders' caches) and a lean read is never a wrong one
 * (docs/decisions/016-projections.md).
 *
 * A field reads the property of its own name, or what its `extensions.reads` declares (`{}` for a field that
 * needs only the key, such as a list loaded by key); any other field of a record type reads the whole record,
 * so that a field added without a declaration costs speed, never correctness.
 */

/** What a field reads of each kind of record, declared in its `extensions` as `reads`. */
export type Reads = Partial<Projection>;

/**
 * A field's `extensions` declaring what it reads: `reads({})` for a field that needs only the key; with
 * `byArgument`, what it reads besides when the document passes one of those arguments (a citation list's
 * `knownOn` reads its sources' dates).
 */
export const reads = (declared: Reads, byArgument: Record<string, Reads> = {}) => ({
  reads: declared,
  readsByArgument: byArgument,
});

type RecordKind = keyof Projection;

/** The record kind of a GraphQL type: Actor and the object types of its kinds, Relation, Citation, Source. */
function recordKindOf(type: GraphQLCompositeType): RecordKind | null {
  switch (type.name) {
    case "Actor":
      return "actor";
    case "Relation":
      return "relation";
    case "Citation":
      return "citation";
    case "Source":
      return "source";
    default:
      return isObjectType(type) && type.getInterfaces().some((i) => i.name === "Actor") ? "actor" : null;
  }
}

/** Projections by document: Yoga's parse cache hands the same document object to every request that sends it. */
const projections = new WeakMap<DocumentNode, Projection>();

/**
 * The properties of each kind of record that `document` reads (every operation and fragment in it: at worst a
 * few properties more), in each kind's declared order, so that equal projections make equal Cypher texts.
 */
export function projectionOf(schema: GraphQLSchema, document: DocumentNode): Projection {
  const cached = projections.get(document);
  if (cached) return cached;
  const read: Record<RecordKind, Set<string>> = {
    actor: new Set(alwaysRead.actor),
    relation: new Set(alwaysRead.relation),
    citation: new Set(alwaysRead.citation),
    source: new Set(alwaysRead.source),
  };
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        const add = (declared: Reads) => {
          for (const [kind, properties] of Object.entries(declared) as [RecordKind, string[]][]) {
            for (const property of properties) read[kind].add(property);
          }
        };
        const byArgument = field.extensions.readsByArgument as Record<string, Reads> | undefined;
        for (const argument of node.arguments ?? []) add(byArgument?.[argument.name.value] ?? {});
        const declared = field.extensions.reads as Reads | undefined;
        if (declared) {
          add(declared);
          return;
        }
        const kind = recordKindOf(parent);
        // `id`, a global id, is made of the key.
        if (kind === null || field.name === "id" || field.name.startsWith("__")) return;
        const properties: readonly string[] = recordProperties[kind];
        for (const property of properties.includes(field.name) ? [field.name] : properties)
          read[kind].add(property);
      },
    }),
  );
  const only = <P extends string>(all: readonly P[], kept: Set<string>) => all.filter((p) => kept.has(p));
  const projection: Projection = {
    actor: only(recordProperties.actor, read.actor),
    relation: only(recordProperties.relation, read.relation),
    citation: only(recordProperties.citation, read.citation),
    source: only(recordProperties.source, read.source),
  };
  projections.set(document, projection);
  return projection;
}

/** Sets each request's projection from its document before execution (src/graphql/create-context.ts starts it whole). */
export const useProjection = (): Plugin<GraphQLContext> => ({
  onExecute({ args }) {
    args.contextValue.projection.current = projectionOf(args.schema, args.document);
  },
});
