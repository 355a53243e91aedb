import { vocabulary } from "../../domain/vocabulary.js";
import { builder } from "../builder.js";

export { vocabulary };

const enumValues = (entries: { name: string; description: string }[]) =>
  Object.fromEntries(
    entries.map((entry) => [entry.name, { value: entry.name, description: entry.description }]),
  );

export const ActorKindEnum = builder.enumType("ActorKind", {
  description: "What kind of actor: one GraphQL type implements Actor for each.",
  values: enumValues(vocabulary.actorKinds),
});

export const RelationTypeEnum = builder.enumType("RelationType", {
  description: "The closed vocabulary of relation types.",
  values: enumValues(
    vocabulary.relationTypes.map((type) => ({
      ...type,
      description: type.link
        ? type.description
        : `${type.description} Not a link: paths do not follow it unless given it in types.`,
    })),
  ),
});

export const StanceEnum = builder.enumType("Stance", {
  description: "How the speaker of a citation stands toward the relation it cites.",
  values: enumValues(vocabulary.stances),
});

export const DirectionEnum = builder.enumType("Direction", {
  description: "Which relations of an actor to follow.",
  values: {
    OUTGOING: { value: "OUTGOING", description: "Relations whose subject (from) is the actor." },
    INCOMING: { value: "INCOMING", description: "Relations whose object (to) is the actor." },
    BOTH: { value: "BOTH", description: "Both." },
  } as const,
});

export const PrecisionEnum = builder.enumType("DatePrecision", {
  description: "How precisely the source dates something.",
  values: {
    YEAR: { value: "YEAR", description: "Only the year is known." },
    MONTH: { value: "MONTH", description: "The year and month are known." },
    DAY: { value: "DAY", description: "The day is known." },
  } as const,
});
