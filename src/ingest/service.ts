import { createHash, randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import type { ManagedTransaction } from "neo4j-driver";
import type { Caller } from "../auth.js";
import type { Database } from "../db/database.js";
import {
  allActorNames,
  changeByClientKey,
  createActors,
  createMentions,
  createRelations,
  createSources,
  knownRecords,
  mergeActors,
  recordChange,
  retractRelation,
  updateActor,
} from "../db/writes.js";
import { findMentions, type Mention } from "../seed/mentions.js";
import type { SeedActorEntry, SeedSourceEntry, Vocabulary } from "../seed/model.js";
import { actorRow, citationRows, mentionRows, relationRow, sourceRow } from "../seed/rows.js";
import { codePoints, foldName } from "../seed/text.js";
import {
  checkActor,
  checkKind,
  checkNames,
  checkRelation,
  isCalendarDate,
  type Knowledge,
  type Path,
  type RelationInput,
} from "../seed/validate.js";

/**
 * Analysts' writes: a batch of sources, actors and relations (from a mutation or `npm run ingest`), and the
 * edits of existing records. Every write is checked like the seed, runs as one transaction, records who made
 * it, when and from which sources, and is idempotent under a client's key.
 */

export type SourceInput = Omit<SeedSourceEntry, "id" | "file"> & {
  id?: string | null;
  file?: string | null;
  text: string;
};
export interface Batch {
  sources: SourceInput[];
  actors: SeedActorEntry[];
  relations: RelationInput[];
}

export interface Problem {
  where: string;
  message: string;
}

/** A rejected write: every problem, each with where it is; nothing was written. */
export class ValidationError extends GraphQLError {
  constructor(readonly problems: Problem[]) {
    super(`Rejected, nothing was written:\n${problems.map((p) => `  ${p.where}: ${p.message}`).join("\n")}`, {
      extensions: { code: "BAD_USER_INPUT", problems },
    });
  }
}

/** Says where an item of a batch is: an input path for a mutation, a file and line for ingest. */
export type Locate = (section: keyof Batch, index: number, path: Path) => string;

export interface BatchResult {
  changeId: string;
  sources: { key: string; created: boolean; mentions: Mention[] }[];
  actors: string[];
  relations: string[];
}

interface Idempotent<T> {
  result: T;
  /** True when the client's key had been used for the same request: nothing was written again. */
  replayed: boolean;
}

/** The actors a batch's relations refer to: their ends and the speakers of their citations. */
const actorsOf = (relations: readonly RelationInput[]) =>
  relations.flatMap((r) => [r.from, r.to, ...r.citations.flatMap((c) => (c.speaker ? [c.speaker] : []))]);
/** The sources a batch's relations cite. */
const sourcesOf = (relations: readonly RelationInput[]) =>
  relations.flatMap((r) => r.citations.map((c) => c.source));

const hashOf = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");
const slug = (text: string) =>
  foldName(text)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

/** Writes the history entry of a change, inside the change's own transaction. */
interface ChangeLog {
  record(
    tx: ManagedTransaction,
    entry: {
      id: string;
      targets: string[];
      sources?: string[];
      details: { result: unknown } & Record<string, unknown>;
    },
  ): Promise<void>;
}

/**
 * Runs `write` unless the client's key was used before: the same request then gets the first answer again;
 * a different request under the same key is refused. `write` records its change through the log it is given,
 * which fills in who, with which role, the operation and the request's fingerprint.
 */
async function idempotent<T>(
  db: Database,
  writer: Caller,
  operation: string,
  clientKey: string | null | undefined,
  payload: unknown,
  write: (log: ChangeLog) => Promise<T>,
): Promise<Idempotent<T>> {
  const payloadHash = hashOf({ operation, payload });
  if (clientKey) {
    const earlier = await changeByClientKey(db, clientKey);
    if (earlier) {
      if (earlier.payloadHash !== payloadHash) {
        throw new GraphQLError(`The client key "${clientKey}" was already used for a different request.`, {
          extensions: { code: "CONFLICT" },
        });
      }
      return { result: JSON.parse(earlier.details).result as T, replayed: true };
    }
  }
  const log: ChangeLog = {
    record: (tx, entry) =>
      recordChange(tx, {
        id: entry.id,
        by: writer.name,
        role: writer.role,
        operation,
        targets: entry.targets,
        sources: entry.sources ?? [],
        clientKey: clientKey ?? null,
        payloadHash,
        details: JSON.stringify(entry.details),
      }),
  };
  return { result: await write(log), replayed: false };
}

/** Checks a batch against the database and itself, then writes it in one transaction. */
export async function applyBatch(
  db: Database,
  vocabulary: Vocabulary,
  writer: Caller,
  batch: Batch,
  options: { operation: string; clientKey?: string | null; locate: Locate },
): Promise<Idempotent<BatchResult>> {
  return idempotent(db, writer, options.operation, options.clientKey, batch, async (log) => {
    const problems: Problem[] = [];
    const report = (section: keyof Batch, index: number) => (at: Path, message: string) =>
      problems.push({ where: options.locate(section, index, at), message });

    const sources = batch.sources.map((source) => ({
      ...source,
      id: source.id ?? `src-${createHash("sha256").update(source.text).digest("hex").slice(0, 12)}`,
      file: source.file ?? null,
    }));
    const keys = {
      actors: [...new Set([...batch.actors.map((a) => a.id), ...actorsOf(batch.relations)])],
      sources: [...new Set([...sources.map((s) => s.id), ...sourcesOf(batch.relations)])],
      relations: batch.relations.map((r) => r.id),
      names: batch.actors.flatMap((a) => [a.name, ...a.aliases].map(foldName)),
    };
    const known = await knownRecords(db, keys);
    const knownSources = new Map(known.sources.map((s) => [s.key, s.text]));
    const seen = new Set<string>();
    const claim = (section: keyof Batch, index: number, id: string) => {
      if (seen.has(id)) report(section, index)(["id"], `duplicate key "${id}" in this batch`);
      seen.add(id);
    };

    const newSources = sources.filter((source, index) => {
      claim("sources", index, source.id);
      const fail = report("sources", index);
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(source.id)) fail(["id"], `"${source.id}" is not a kebab-case key`);
      if (source.text.trim().length === 0) fail(["text"], "the text is empty");
      if (source.published && !isCalendarDate(source.published))
        fail(["published"], `no such date "${source.published}"`);
      const existing = knownSources.get(source.id);
      if (existing !== undefined && existing !== source.text) {
        fail(["id"], `source "${source.id}" already exists with a different text`);
      }
      return existing === undefined;
    });
    const points = new Map<string, readonly string[]>();
    for (const [key, text] of [...knownSources, ...sources.map((s) => [s.id, s.text] as const)]) {
      points.set(key, codePoints(text));
    }
    const actorKeys = new Set([...known.actors, ...batch.actors.map((a) => a.id)]);
    const nameOwners = new Map(known.nameOwners.map((row) => [row.name, row.key]));
    const knowledge: Knowledge = {
      vocabulary,
      hasActor: (key) => actorKeys.has(key),
      sourcePoints: (key) => points.get(key),
      nameOwner: (name) => nameOwners.get(name),
    };
    batch.actors.forEach((actor, index) => {
      claim("actors", index, actor.id);
      if (known.actors.includes(actor.id))
        report("actors", index)(["id"], `actor "${actor.id}" already exists`);
      checkActor(actor, knowledge, report("actors", index));
      for (const name of [actor.name, ...actor.aliases].map(foldName)) nameOwners.set(name, actor.id);
    });
    const relations = batch.relations.map((relation, index) => {
      claim("relations", index, relation.id);
      if (known.relations.includes(relation.id)) {
        report("relations", index)(["id"], `relation "${relation.id}" already exists`);
      }
      return checkRelation(relation, knowledge, report("relations", index));
    });
    if (problems.length > 0) throw new ValidationError(problems);

    const namedActors = [...(await allActorNames(db)), ...batch.actors];
    const mentions = new Map(sources.map((s) => [s.id, findMentions(s.text, namedActors)]));
    const result: BatchResult = {
      changeId: randomUUID(),
      sources: sources.map((s) => ({
        key: s.id,
        created: newSources.includes(s),
        mentions: mentions.get(s.id) ?? [],
      })),
      actors: batch.actors.map((a) => a.id),
      relations: relations.map((r) => r.id),
    };
    await db.writeTransaction(async (tx) => {
      await createSources(
        tx,
        newSources.map((s) =>
          sourceRow({ ...s, file: s.file ?? `${s.id}.txt`, length: codePoints(s.text).length }),
        ),
      );
      await createActors(tx, batch.actors.map(actorRow));
      await createRelations(tx, relations.map(relationRow), relations.flatMap(citationRows));
      await createMentions(
        tx,
        newSources.flatMap((s) => mentionRows(s.id, mentions.get(s.id) ?? [])),
      );
      await log.record(tx, {
        id: result.changeId,
        // A relation's ends and speakers count as touched too: an actor's history shows what was said of it.
        targets: [
          ...new Set([
            ...result.sources.map((s) => s.key),
            ...result.actors,
            ...result.relations,
            ...actorsOf(relations),
          ]),
        ],
        sources: [...new Set([...sources.map((s) => s.id), ...sourcesOf(relations)])],
        details: { result },
      });
    });
    return result;
  });
}

/** A key for a new actor from its name ("Sergueï Choïgou" -> "serguei-choigou"), when the client gives none. */
export function actorKeyFromName(name: string): string {
  return slug(name);
}

/** A key for a new relation when the client gives none: readable, and unique for its citations. */
export function relationKeyFor(relation: Omit<RelationInput, "id">): string {
  return `rel-${relation.from}-${slug(relation.type)}-${relation.to}-${hashOf(relation.citations).slice(0, 8)}`;
}

export async function editActor(
  db: Database,
  vocabulary: Vocabulary,
  writer: Caller,
  key: string,
  patch: Partial<Omit<SeedActorEntry, "id">>,
  clientKey?: string | null,
): Promise<Idempotent<{ changeId: string; key: string }>> {
  return idempotent(db, writer, "updateActor", clientKey, { key, patch }, async (log) => {
    const patchNames = [patch.name, ...(patch.aliases ?? [])].filter((n): n is string => !!n);
    const known = await knownRecords(db, {
      actors: [key],
      sources: [],
      relations: [],
      names: patchNames.map(foldName),
    });
    if (!known.actors.includes(key))
      throw new GraphQLError(`No actor with key "${key}"`, { extensions: { code: "NOT_FOUND" } });
    const problems: Problem[] = [];
    const owners = new Map(known.nameOwners.map((row) => [row.name, row.key]));
    const report = (at: Path, message: string) => problems.push({ where: `input.${at.join(".")}`, message });
    if (patch.kind !== undefined) checkKind(patch.kind, vocabulary, report);
    const knowledge: Knowledge = {
      vocabulary,
      hasActor: () => true,
      sourcePoints: () => undefined,
      nameOwner: (name) => owners.get(name),
    };
    checkNames(key, patchNames, knowledge, report);
    if (problems.length > 0) throw new ValidationError(problems);
    const changeId = randomUUID();
    await db.writeTransaction(async (tx) => {
      const props: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(patch)) if (value !== undefined) props[field] = value;
      const before = await updateActor(tx, { id: key, props });
      const after = { ...before, ...props };
      const names = [after.name as string, ...((after.aliases as string[]) ?? [])];
      await updateActor(tx, {
        id: key,
        props: { foldedNames: [...new Set(names.map(foldName))], searchText: names.join(" | ") },
      });
      await log.record(tx, {
        id: changeId,
        targets: [key],
        details: { result: { changeId, key }, before, patch: props },
      });
    });
    return { changeId, key };
  });
}

export async function absorbActor(
  db: Database,
  writer: Caller,
  intoKey: string,
  fromKey: string,
  clientKey?: string | null,
): Promise<
  Idempotent<{ changeId: string; key: string; relations: number; citations: number; mentions: number }>
> {
  return idempotent(db, writer, "mergeActors", clientKey, { intoKey, fromKey }, async (log) => {
    if (intoKey === fromKey)
      throw new ValidationError([{ where: "input.from", message: "an actor cannot absorb itself" }]);
    const { records } = await db.read(
      "MATCH (a:Actor) WHERE a.id IN $keys RETURN a.id AS key, a.name AS name, a.aliases AS aliases",
      { keys: [intoKey, fromKey] },
    );
    const byKey = new Map(
      records.map((r) => [r.get("key") as string, r.toObject() as { name: string; aliases: string[] }]),
    );
    for (const [where, key] of [
      ["input.into", intoKey],
      ["input.from", fromKey],
    ] as const) {
      if (!byKey.has(key))
        throw new GraphQLError(`No actor with key "${key}" (${where})`, {
          extensions: { code: "NOT_FOUND" },
        });
    }
    const into = byKey.get(intoKey) as { name: string; aliases: string[] };
    const from = byKey.get(fromKey) as { name: string; aliases: string[] };
    const aliases = [...new Set([...into.aliases, from.name, ...from.aliases])];
    const changeId = randomUUID();
    let moved = { relations: 0, citations: 0, mentions: 0 };
    await db.writeTransaction(async (tx) => {
      const merged = await mergeActors(tx, fromKey, intoKey, {
        aliases,
        foldedNames: [...new Set([into.name, ...aliases].map(foldName))],
        searchText: [into.name, ...aliases].join(" | "),
      });
      moved = { relations: merged.relations, citations: merged.citations, mentions: merged.mentions };
      await log.record(tx, {
        id: changeId,
        targets: [intoKey, fromKey],
        details: { result: { changeId, key: intoKey, ...moved }, absorbed: merged.absorbed },
      });
    });
    return { changeId, key: intoKey, ...moved };
  });
}

export async function retract(
  db: Database,
  writer: Caller,
  key: string,
  reason: string,
  clientKey?: string | null,
): Promise<Idempotent<{ changeId: string; key: string }>> {
  return idempotent(db, writer, "retractRelation", clientKey, { key, reason }, async (log) => {
    if (reason.trim().length === 0)
      throw new ValidationError([{ where: "input.reason", message: "say why" }]);
    const changeId = randomUUID();
    await db.writeTransaction(async (tx) => {
      const status = await retractRelation(tx, key, writer.name, reason);
      if (status === "missing") {
        throw new GraphQLError(`No relation with key "${key}"`, { extensions: { code: "NOT_FOUND" } });
      }
      if (status === "already retracted") {
        throw new GraphQLError(`Relation "${key}" is already retracted`, {
          extensions: { code: "CONFLICT" },
        });
      }
      await log.record(tx, { id: changeId, targets: [key], details: { result: { changeId, key }, reason } });
    });
    return { changeId, key };
  });
}
