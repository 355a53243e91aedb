import {
  type FieldNode,
  type GraphQLInterfaceType,
  type GraphQLResolveInfo,
  getArgumentValues,
} from "graphql";
import { actorByFoldedName, listActors, type RelationsOfActorRequest } from "../../db/queries/actors.js";
import type { Direction } from "../../db/queries/relation-filter.js";
import type { ActorRecord } from "../../db/records/actor.js";
import { badInput } from "../../domain/errors.js";
import { foldName } from "../../domain/text.js";
import { boundedListField } from "../bounded-list.js";
import { bounds, clampedLimit, connectionComplexity, fetchedPerParent } from "../bounds.js";
import { builder } from "../builder.js";
import { loaders } from "../loaders.js";
import { byKey, keysetConnection } from "../pagination.js";
import { reads } from "../projection.js";
import { ActorRef, MentionRef, RelationRef } from "../refs.js";
import { relationFilterArgs, toRelationFilter } from "../relation-filter.js";
import { selectedFields, selects } from "../selection.js";
import { ActorKindEnum, DirectionEnum, vocabulary } from "./vocabulary.js";

/** GraphQL type name of an actor kind: STATE -> State, PRIVATE_MILITARY_COMPANY -> PrivateMilitaryCompany. */
const typeNameOfKind = (kind: string) =>
  kind
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");

/** The type names of the vocabulary's kinds, made once: resolveType runs for every actor of every answer. */
const typeNames = new Map(vocabulary.actorKinds.map(({ name }) => [name, typeNameOfKind(name)]));

ActorRef.implement({
  description:
    "A political or military actor that the sources name: a state, body, person, force, operation, ...",
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (actor) => typeNames.get(actor.kind) ?? typeNameOfKind(actor.kind),
  fields: (t) => ({
    key: t.exposeString("key", { description: 'Stable key of the actor, e.g. "mali" or "sergei-lavrov".' }),
    name: t.exposeString("name", { description: "Canonical name." }),
    kind: t.field({ type: ActorKindEnum, description: "Kind of actor.", resolve: (a) => a.kind as never }),
    aliases: t.exposeStringList("aliases", { description: "Every name form the sources use, as written." }),
    description: t.exposeString("description", {
      nullable: true,
      description: "What the sources say it is.",
    }),
    relations: boundedListField(t, {
      extensions: reads({}),
      type: [RelationRef],
      description: "The actor's relations, in time order (undated last), then by key.",
      bound: bounds.relationsOfActor,
      what: "relations",
      args: {
        direction: t.arg({
          type: DirectionEnum,
          defaultValue: "BOTH",
          description: "Which side the actor is on.",
        }),
        ...relationFilterArgs,
      },
      resolve: async (actor, args, context, info) => {
        const request = relationsRequest(info, info.fieldNodes, args);
        return (await loaders.relationsOfActor(context).load({ ...request, actorKey: actor.key })).relations;
      },
    }),
    mentionedIn: boundedListField(t, {
      extensions: reads({}),
      type: [MentionRef],
      description:
        "Where stored texts name the actor (any of its names or aliases, accents and case ignored), by source key " +
        "then offset, each with its text. Kept true as names change: a name or alias given later is found in the " +
        "texts stored before it too (docs/writing.md).",
      bound: bounds.mentionsOfActor,
      what: "mentions",
      resolve: (actor, _args, context) => loaders.mentionsOfActor(context).load(actor.key),
    }),
  }),
});

/** One object type per actor kind, so that clients can select kind-specific fragments. */
for (const kind of vocabulary.actorKinds) {
  builder.node(builder.objectRef<ActorRecord>(typeNameOfKind(kind.name)), {
    description: kind.description,
    interfaces: [ActorRef],
    id: { resolve: (actor) => actor.key },
    isTypeOf: (value) => (value as ActorRecord).kind === kind.name,
    // A global id of another kind ("GovernmentBody:mali") finds nothing, as a key that is no actor's.
    loadMany: (keys, context) =>
      keys.map(async (key) => {
        const actor = await ActorRef.getDataloader(context).load(key);
        return actor?.kind === kind.name ? actor : null;
      }),
    fields: () => ({}),
  });
}

builder.queryFields((t) => ({
  actor: t.field({
    type: ActorRef,
    nullable: true,
    description:
      "An actor by its key, or by any of its names or aliases (accents, case and spacing ignored); null if none.",
    args: {
      key: t.arg.string({ description: 'Stable key, e.g. "assimi-goita".' }),
      name: t.arg.string({ description: 'Any name form, e.g. "Goïta", "GOITA" or "Moscou".' }),
    },
    resolve: async (_root, { key, name }, context, info) => {
      if ((key == null) === (name == null)) throw badInput('Give exactly one of "key" and "name"');
      if (name != null) return actorByFoldedName(context.db, foldName(name));
      // The relations the client asks for below come in the same query as the actor: the relations fields
      // then find them in their loader, and the actor is returned from it (no query of its own).
      const prefetched = await Promise.all(
        relationsSelected(info, ["relations"]).map((request) =>
          loaders.relationsOfActor(context).load({ ...request, actorKey: key as string }),
        ),
      );
      return prefetched[0] ? prefetched[0].actor : (key as string);
    },
  }),
  actors: t.connection({
    type: ActorRef,
    description: "Every actor, optionally of some kinds, in key order.",
    args: { kinds: t.arg({ type: [ActorKindEnum], description: "Only these kinds." }) },
    complexity: connectionComplexity,
    resolve: (_root, args, context, info) =>
      keysetConnection(args, { budget: context.budget, info }, byKey("actors"), async (window) => {
        // The first `relations` field selected on the page's actors comes in the page's own query, and waits in
        // its loader for the actors' fields, as for the root `actor` field.
        const [ahead] = relationsSelected(info, ["edges", "node", "relations"]);
        const kinds = args.kinds?.length ? args.kinds : null;
        const page = await listActors(context.db, kinds, window, context.projection.current, ahead);
        for (const { node, relations } of page.actors) {
          if (ahead && relations) {
            loaders
              .relationsOfActor(context)
              .prime({ ...ahead, actorKey: node.key }, { actor: node, relations });
          }
        }
        return { total: page.total, items: page.actors };
      }),
  }),
}));

/**
 * The one look-ahead of Actor.relations: what a `relations` field asks (from its field nodes, arguments and
 * what is selected below it), used both by the field itself and by the fields that fetch the relations ahead
 * in their own query: the root `actor` and the `actors` connection.
 */
function relationsRequest(
  info: GraphQLResolveInfo,
  nodes: readonly FieldNode[],
  args: {
    direction?: string | null;
    types?: readonly string[] | null;
    asOf?: string | null;
    limit?: number | null;
  },
): RelationsOfActorRequest {
  return {
    direction: (args.direction ?? "BOTH") as Direction,
    filter: toRelationFilter(args),
    parts: {
      ends: selects(info, ["from"], nodes) || selects(info, ["to"], nodes),
      citations: selects(info, ["citations"], nodes)
        ? fetchedPerParent(bounds.citationsOfRelation)
        : undefined,
      citationSources:
        selects(info, ["citations", "source"], nodes) || selects(info, ["citations", "reportedOn"], nodes),
    },
    // One more than asked, to know whether the list was cut.
    // A limit out of bounds is the field's to refuse; the actor's look-ahead (relationsSelected) must not send
    // it to Cypher, where a negative LIMIT fails.
    limit: clampedLimit(args.limit, bounds.relationsOfActor) + 1,
  };
}

/** What the `relations` fields selected at `path` below the resolving field ask, the actor's key aside. */
function relationsSelected(info: GraphQLResolveInfo, path: readonly string[]): RelationsOfActorRequest[] {
  const field = (info.schema.getType("Actor") as GraphQLInterfaceType).getFields().relations;
  if (!field) return [];
  try {
    return selectedFields(info, path).map((node) =>
      relationsRequest(info, [node], getArgumentValues(field, node, info.variableValues)),
    );
  } catch {
    return []; // invalid arguments: the relations field itself reports them
  }
}
