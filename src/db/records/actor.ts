import { byId, type Reading } from "./reader.js";

/** An actor: a state, a party, an armed group, a person... (its kind). */
export interface ActorRecord {
  key: string;
  name: string;
  kind: string;
  aliases: string[];
  description: string | null;
}

export type ActorProperty = keyof ActorRecord;

/** How each property of an actor is read (see Reading). */
export const actorReading: Reading<ActorProperty> = {
  key: byId,
  name: null,
  kind: null,
  aliases: null,
  description: null,
};
