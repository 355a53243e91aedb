import { createHash, randomUUID } from "node:crypto";
import transliterate from "@sindresorhus/transliterate";
import type { ManagedTransaction } from "neo4j-driver";
import type { z } from "zod";
import type { Caller } from "../auth.js";
import type { Database } from "../db/database.js";
import { suggestActors, suggestRelations } from "../db/suggest.js";
import {
  actorsByKey,
  type ChangeRecord,
  changeByClientKey,
  createActors,
  createMentions,
  createRelations,
  createSources,
  deleteMergedActor,
  knownRecords,
  liveRelationsBetween,
  lockGraph,
  mergeActors,
  recordChange,
  retractRelation,
  updateActor,
} from "../db/writes.js";
import { conflict, DomainError, notFound } from "../domain/errors.js";
import { clientKey as clientKeyGrammar, limits, show, writtenForm } from "../domain/grammar.js";
import type { Mention } from "../domain/mentions.js";
import {
  type ActorPatch,
  type BatchInput,
  batchInput,
  editInput,
  mergeInput,
  retractInput,
  type Vocabulary,
} from "../domain/model.js";
import { codePoints, foldName } from "../domain/text.js";
import {
  checkActor,
  checkKind,
  checkNames,
  checkRelation,
  type Knowledge,
  type Path,
  type RelationInput,
} from "../domain/validate.js";
import { actorRow, citationRows, mentionRows, relationRow, sourceRow } from "../seed/rows.js";
import { aliasesAfter } from "./aliases.js";
import { changedNames, finderForTexts, recountMentions } from "./mentions.js";
import { refuseRepeatedRelations } from "./same-relation.js";
import { checkSourceUrls } from "./source-urls.js";

/**
 * Analysts' writes: a batch of sources, actors and relations (from a mutation or `npm run ingest`), and the
 * edits of existing records. Every write parses with the one grammar (src/domain/grammar.ts) before it touches
 * the database; then, in one transaction that first takes the graph's write lock (src/db/writes.ts
 * lockGraph), it replays an earlier answer for a known client key, or checks its input against what is
 * committed, writes, and records who made it, when and from which sources. Writes therefore behave exactly as
 * if they had been sent one after another, however many arrive at once.
 */

/** A batch as callers give it, before the grammar has parsed it. */
export type Batch = z.input<typeof batchInput>;

export interface Problem {
  where: string;
  message: string;
}

/** A rejected write (BAD_USER_INPUT): every problem, each with where it is, in `details.problems`; nothing was written. */
export class ValidationError extends DomainError {
  constructor(readonly problems: Problem[]) {
    super(
      "BAD_USER_INPUT",
      `Rejected, nothing was written:\n${problems.map((p) => `  ${p.where}: ${p.message}`).join("\n")}`,
      { problems },
    );
  }
}

/** Says where an item of a batch is: an input path for a mutation, a file and line for ingest. */
export type Locate = (section: keyof Batch, index: number, path: Path) => string;

export interface BatchResult {
  /** The history entry of the write; null when it wrote nothing (every source already stored). */
  changeId: string | null;
  sources: { key: string; created: boolean; mentions: Mention[] }[];
  actors: string[];
  relations: string[];
  /** How many stored texts were read to recompute mentions of the new actors' names (src/ingest/mentions.ts). */
  mentionTextsRead: number;
}

export interface Idempotent<T> {
  result: T;
  /** True when the client's key had been used for the same request: nothing was written again. */
  replayed: boolean;
}

/** The actors a batch's relations refer to: their ends, the speakers of their citations, their places' actors. */
export const actorsOf = (relations: readonly RelationInput[]) =>
  relations.flatMap((r) => [
    r.from,
    r.to,
    ...r.citations.flatMap((c) => (c.speaker ? [c.speaker] : [])),
    ...(r.places ?? []).flatMap((p) => (p.actor ? [p.actor] : [])),
  ]);
/** The sources a batch's relations cite. */
export const sourcesOf = (relations: readonly RelationInput[]) =>
  relations.flatMap((r) => r.citations.map((c) => c.source));

const hashOf = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");
/** The longest slug of `text` that fits in `max` characters: folded words joined by hyphens. */
const slug = (text: string, max: number = limits.key) =>
  foldName(text)
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, max)
    .replace(/^-+|-+$/g, "");

/** Parses `value` with `schema`, or refuses the write with every problem at its input path. */
export function parseOrRefuse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: (path: Path) => string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.map((issue) => ({
      where: where(issue.path.filter((p): p is string | number => typeof p !== "symbol")),
      message: issue.message,
    })),
  );
}

/** An input path as a mutation's client wrote it: the grammar's `id` is the input's `key`. */
export const inputPath = (path: Path) => `input.${path.map((p) => (p === "id" ? "key" : p)).join(".")}`;

/** Writes the history entry of a change, inside the change's own transaction. */
export interface ChangeLog {
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
 * Runs `write` in one transaction that holds the graph's write lock, unless the client's key was used before:
 * the same request then gets the first answer again; a different request under the same key is refused.
 * Both are decided under the lock, so ten copies of a request sent at once get one write and ten equal
 * answers. `write` records its change through the log it is given, which fills in who, with which role, the
 * operation and the request's fingerprint (a hash of the input as the client sent it, as before this service
 * parsed inputs, so that keys used before still replay).
 */
export async function guardedWrite<T>(
  db: Database,
  writer: Caller,
  operation: string,
  clientKey: string | null | undefined,
  payload: unknown,
  write: (tx: ManagedTransaction, log: ChangeLog) => Promise<T>,
): Promise<Idempotent<T>> {
  if (clientKey != null) parseOrRefuse(clientKeyGrammar, clientKey, () => "input.clientKey");
  const payloadHash = hashOf({ operation, payload });
  const log: ChangeLog = {
    record: async (tx, entry) => {
      await recordChange(tx, {
        id: entry.id,
        by: writer.name,
        role: writer.role,
        operation,
        targets: entry.targets,
        sources: entry.sources ?? [],
        clientKey: clientKey ?? null,
        payloadHash,
        details: JSON.stringify(entry.details),
      });
    },
  };
  return db.writeTransaction(async (tx) => {
    await lockGraph(tx);
    const earlier = clientKey
      ? replayOf<T>(await changeByClientKey(tx, clientKey), clientKey, payloadHash)
      : null;
    return earlier ?? { result: await write(tx, log), replayed: false };
  }, operation);
}

/** The first answer to a request under `clientKey`, from its history entry (`earlier`), or null when none. */
function replayOf<T>(
  earlier: ChangeRecord | null,
  clientKey: string,
  payloadHash: string,
): Idempotent<T> | null {
  if (!earlier) return null;
  if (earlier.payloadHash !== payloadHash) {
    throw conflict(
      `input.clientKey: "${clientKey}" was already used for a different ${earlier.operation} request` +
        " (a key names one request: send that one again, or use a new key for this one).",
    );
  }
  return { result: JSON.parse(earlier.details).result as T, replayed: true };
}

/**
 * The stored answer of a request already written under `clientKey` (as guardedWrite would replay it), read
 * without the lock, or null when the key is new (or null): lets a write whose preparation is costly (intake's
 * NLP) answer a retry at once. guardedWrite still decides under the lock for a key first used meanwhile.
 * @throws CONFLICT when the key was used for a different request; BAD_USER_INPUT for a malformed key.
 */
export async function storedAnswer<T>(
  db: Database,
  operation: string,
  clientKey: string | null | undefined,
  payload: unknown,
): Promise<Idempotent<T> | null> {
  if (clientKey == null) return null;
  parseOrRefuse(clientKeyGrammar, clientKey, () => "input.clientKey");
  const read = { run: (cypher: string, params: Record<string, unknown>) => db.read(cypher, params) };
  const earlier = await changeByClientKey(read as unknown as Pick<ManagedTransaction, "run">, clientKey);
  return replayOf<T>(earlier, clientKey, hashOf({ operation, payload }));
}

/** A source of a parsed batch, with its key settled: given, or derived from its text. */
const withKey = (source: BatchInput["sources"][number]) => ({
  ...source,
  id: source.id ?? `src-${createHash("sha256").update(source.text).digest("hex").slice(0, 12)}`,
});

/** Most unknown actor keys of one batch that get "did you mean" suggestions: one lookup each. */
const maxKeysSuggested = 10;

/** For the first few of `keys` that are not in `known`, the existing actor keys close to each. */
async function suggestionsFor(
  tx: ManagedTransaction,
  keys: readonly string[],
  known: ReadonlySet<string>,
): Promise<Map<string, string[]>> {
  const suggestions = new Map<string, string[]>();
  for (const key of keys.filter((k) => !known.has(k)).slice(0, maxKeysSuggested)) {
    suggestions.set(key, await suggestActors((c, p) => tx.run(c, p), key));
  }
  return suggestions;
}

/**
 * Parses a batch with the grammar, then, under the write lock, checks it against the committed graph and
 * itself and writes it in one transaction. A relation that states a fact a live relation already states (or an
 * earlier one of the batch) is refused with CONFLICT unless marked distinct (./same-relation.ts).
 */
export async function applyBatch(
  db: Database,
  vocabulary: Vocabulary,
  writer: Caller,
  input: Batch,
  options: { operation: string; clientKey?: string | null; locate: Locate },
): Promise<Idempotent<BatchResult>> {
  const batch = parseOrRefuse(batchInput, input, ([section, index, ...at]) =>
    options.locate(section as keyof Batch, index as number, at),
  );
  return guardedWrite(db, writer, options.operation, options.clientKey, input, (tx, log) =>
    writeBatch(tx, log, vocabulary, batch, options.locate),
  );
}

/**
 * The body of applyBatch, inside a transaction that already holds the write lock (guardedWrite): checks a
 * parsed batch against the committed graph and itself, writes it and records its change through `log`. Article
 * intake's review (src/intake/review.ts) writes an accepted proposal through it, in the review's transaction.
 * @throws ValidationError (BAD_USER_INPUT) at `locate`'s places; CONFLICT for a relation already stated.
 */
export async function writeBatch(
  tx: ManagedTransaction,
  log: ChangeLog,
  vocabulary: Vocabulary,
  batch: BatchInput,
  locate: Locate,
): Promise<BatchResult> {
  const problems: Problem[] = [];
  const report = (section: keyof Batch, index: number) => (at: Path, message: string) =>
    problems.push({ where: locate(section, index, at), message });

  const sources = batch.sources.map(withKey);
  const keys = {
    actors: [...new Set([...batch.actors.map((a) => a.id), ...actorsOf(batch.relations)])],
    sources: [...new Set([...sources.map((s) => s.id), ...sourcesOf(batch.relations)])],
    // The batch's own keys (each must be new) and the keys its relations address (each must exist).
    relations: [...new Set(batch.relations.flatMap((r) => [r.id, ...r.addresses]))],
    names: batch.actors.flatMap((a) => [a.name, ...a.aliases].map(foldName)),
  };
  const known = await knownRecords(tx, keys);
  const knownSources = new Map(known.sources.map((s) => [s.key, s.text]));
  const seen = new Set<string>();
  const claim = (section: keyof Batch, index: number, id: string) => {
    if (seen.has(id)) report(section, index)(["id"], `duplicate key "${id}" in this batch`);
    seen.add(id);
  };

  const newSources = sources.filter((source, index) => {
    claim("sources", index, source.id);
    const existing = knownSources.get(source.id);
    if (existing !== undefined && existing !== source.text) {
      report("sources", index)(["id"], `source "${source.id}" already exists with a different text`);
    }
    return existing === undefined;
  });
  const points = new Map<string, readonly string[]>();
  for (const [key, text] of [...knownSources, ...sources.map((s) => [s.id, s.text] as const)]) {
    points.set(key, codePoints(text));
  }
  const actorKeys = new Set([...known.actors, ...batch.actors.map((a) => a.id)]);
  const nameOwners = new Map(known.nameOwners.map((row) => [row.name, row.key]));
  const suggestions = await suggestionsFor(tx, [...new Set(actorsOf(batch.relations))], actorKeys);
  const knowledge: Knowledge = {
    vocabulary,
    hasActor: (key) => actorKeys.has(key),
    hasRelation: (key) => known.relations.includes(key) || batch.relations.some((r) => r.id === key),
    sourcePoints: (key) => points.get(key),
    nameOwner: (name) => nameOwners.get(name),
    actorSuggestions: (key) => suggestions.get(key) ?? [],
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
      report("relations", index)(["id"], `relation "${relation.id}" already exists (retracted ones too)`);
    }
    return checkRelation(relation, knowledge, report("relations", index));
  });
  await checkSourceUrls(
    tx,
    sources.map((s) => (newSources.includes(s) ? s.url : null)),
    (index, message) => report("sources", index)(["url"], message),
    (index) => locate("sources", index, ["url"]),
  );
  if (problems.length > 0) throw new ValidationError(problems);
  await refuseRepeatedRelations(tx, vocabulary, relations, (index) => locate("relations", index, ["type"]));

  const finder = await finderForTexts(
    tx,
    sources.map((s) => s.text),
    batch.actors,
  );
  const mentions = new Map(sources.map((s) => [s.id, finder.find(s.text)]));
  const writes = newSources.length + batch.actors.length + relations.length > 0;
  const result: BatchResult = {
    changeId: writes ? randomUUID() : null,
    sources: sources.map((s) => ({
      key: s.id,
      created: newSources.includes(s),
      mentions: mentions.get(s.id) ?? [],
    })),
    actors: batch.actors.map((a) => a.id),
    relations: relations.map((r) => r.id),
    mentionTextsRead: 0,
  };
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
  // New names may be written in texts stored before: their mentions are recomputed now.
  const newNames = batch.actors.flatMap((a) => [a.name, ...a.aliases]);
  if (newNames.length > 0) {
    const recount = await recountMentions(tx, changedNames([], newNames), {
      skip: newSources.map((s) => s.id),
    });
    result.mentionTextsRead = recount.textsRead;
  }
  // A batch that writes nothing (a text already stored) changes nothing, so the history gets no entry.
  if (result.changeId === null) return result;
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
  return result;
}

/**
 * A key for a new actor from its name written in Latin letters by `@sindresorhus/transliterate`
 * ("Sergueï Choïgou" -> "serguei-choigou", "Владимир Путин" -> "vladimir-putin"), when the client gives none.
 * A name whose letters none survive (Chinese, Japanese: not transliterated) is refused at `input.key`
 * (BAD_USER_INPUT) asking for a key; a name without letters or digits gives "", which the grammar refuses with
 * the name.
 */
export function actorKeyFromName(name: string): string {
  const key = slug(transliterate(name));
  if (key === "" && /[\p{L}\p{N}]/u.test(name)) {
    throw new ValidationError([
      {
        where: "input.key",
        message: `cannot be made from the name ${show(name)}: no letter a-z or digit once transliterated; give a key`,
      },
    ]);
  }
  return key;
}

/**
 * A key for a new relation when the client gives none: readable (ends and type, cut to fit the key length)
 * and unique for all it states (a hash of its dates, role, note, addresses, places and citations, 8 hex
 * digits): the same claim sent again gets the same key and is refused as existing, while a correction of a
 * retracted one (another date, the same quotes) gets a key of its own.
 */
export function relationKeyFor(relation: Omit<RelationInput, "id">): string {
  const hash = hashOf(relation).slice(0, 8);
  const readable = slug(`rel ${relation.from} ${relation.type} ${relation.to}`, limits.key - hash.length - 1);
  return `${readable}-${hash}`;
}

/** An actor gone, or never there: NOT_FOUND, naming the input that named it, with keys it may have meant. */
const noActor = async (tx: ManagedTransaction, key: string, where: string) =>
  notFound("actor", key, { argument: where, suggestions: await suggestActors((c, p) => tx.run(c, p), key) });

export async function editActor(
  db: Database,
  vocabulary: Vocabulary,
  writer: Caller,
  key: string,
  patch: ActorPatch,
  clientKey?: string | null,
): Promise<Idempotent<{ changeId: string; key: string; mentionTextsRead: number }>> {
  const input = parseOrRefuse(editInput, { key, patch }, ([first, ...rest]) =>
    inputPath(first === "patch" ? rest : [first ?? "", ...rest]),
  );
  if (Object.values(input.patch).every((value) => value === undefined)) {
    throw new ValidationError([
      {
        where: "input",
        message:
          "changes nothing: give at least one of name, kind, aliases, addAliases, removeAliases and description",
      },
    ]);
  }
  return guardedWrite(db, writer, "updateActor", clientKey, { key, patch }, (tx, log) =>
    writeActorEdit(tx, log, vocabulary, input),
  );
}

/**
 * The body of editActor, inside a transaction that already holds the write lock (guardedWrite): checks the
 * parsed patch against the stored actor and the names others hold, writes it, recomputes the mentions of the
 * names it changed and records the change through `log`. Article intake's review (src/intake/review.ts) adds
 * aliases through it in the review's transaction.
 * @throws as editActor.
 */
export async function writeActorEdit(
  tx: ManagedTransaction,
  log: ChangeLog,
  vocabulary: Vocabulary,
  input: z.output<typeof editInput>,
): Promise<{ changeId: string; key: string; mentionTextsRead: number }> {
  const [actor] = await actorsByKey(tx, [input.key]);
  if (!actor) throw await noActor(tx, input.key, "input.key");
  const { patch } = input;
  const patchNames = [patch.name, ...(patch.aliases ?? []), ...(patch.addAliases ?? [])].filter(
    (n): n is string => n !== undefined,
  );
  const known = await knownRecords(tx, {
    actors: [],
    sources: [],
    relations: [],
    names: patchNames.map(foldName),
  });
  const problems: Problem[] = [];
  const owners = new Map(known.nameOwners.map((row) => [row.name, row.key]));
  const report = (at: Path, message: string) => problems.push({ where: inputPath(at), message });
  if (patch.kind !== undefined) checkKind(patch.kind, vocabulary, report);
  const knowledge: Knowledge = {
    vocabulary,
    hasActor: () => true,
    hasRelation: () => true,
    sourcePoints: () => undefined,
    nameOwner: (name) => owners.get(name),
  };
  checkNames(input.key, patch, knowledge, report);
  checkNames(input.key, { aliases: patch.addAliases }, knowledge, ([, ...at], message) =>
    report(["addAliases", ...at], message),
  );
  const aliases = aliasesAfter(actor.aliases, patch, report);
  if (problems.length > 0) throw new ValidationError(problems);
  const { name, kind, description } = patch;
  const changed = Object.fromEntries(
    Object.entries({ name, kind, aliases, description }).filter(([, value]) => value !== undefined),
  );
  const after = actorRow({ ...actor, ...changed });
  const before = await updateActor(tx, after);
  const names = (a: { name: string; aliases: readonly string[] }) => [a.name, ...a.aliases];
  const { textsRead } = await recountMentions(
    tx,
    changedNames(names(actor), names({ ...actor, ...changed })),
  );
  const changeId = randomUUID();
  const result = { changeId, key: input.key, mentionTextsRead: textsRead };
  await log.record(tx, {
    id: changeId,
    targets: [input.key],
    details: { result, before, patch: changed },
  });
  return result;
}

/** Aliases of a merged actor: `into`'s, then `from`'s name and aliases, each written form once. */
function mergedAliases(into: { aliases: string[] }, from: { name: string; aliases: string[] }): string[] {
  const seen = new Set<string>();
  return [...into.aliases, from.name, ...from.aliases].filter((alias) => {
    const folded = writtenForm(alias);
    if (seen.has(folded)) return false;
    seen.add(folded);
    return true;
  });
}

/** How many keys a refused merge names of the relations that join its two actors. */
const shownRelations = 10;

/**
 * `into` absorbs `from`. Both are read under the write lock, in the merge's own transaction, together with
 * everything that moves: a merge that comes second sees the first one's outcome (an actor gone answers
 * NOT_FOUND), never a half of it. Refused (BAD_USER_INPUT at `input.from`, naming `shownRelations` keys) while a
 * relation that is not retracted joins the two: merged, it would join an actor to itself.
 */
export async function absorbActor(
  db: Database,
  writer: Caller,
  intoKey: string,
  fromKey: string,
  clientKey?: string | null,
): Promise<
  Idempotent<{
    changeId: string;
    key: string;
    relations: number;
    places: number;
    citations: number;
    mentions: number;
    mentionTextsRead: number;
  }>
> {
  const input = parseOrRefuse(mergeInput, { into: intoKey, from: fromKey }, inputPath);
  if (input.into === input.from) {
    throw new ValidationError([{ where: "input.from", message: "an actor cannot absorb itself" }]);
  }
  return guardedWrite(db, writer, "mergeActors", clientKey, { intoKey, fromKey }, async (tx, log) => {
    const found = new Map((await actorsByKey(tx, [input.into, input.from])).map((a) => [a.id, a]));
    const into = found.get(input.into);
    const from = found.get(input.from);
    if (!into) throw await noActor(tx, input.into, "input.into");
    if (!from) throw await noActor(tx, input.from, "input.from");
    const aliases = mergedAliases(into, from);
    if (aliases.length > limits.aliases) {
      throw new ValidationError([
        {
          where: "input.from",
          message: `the merged actor would have ${aliases.length} aliases, more than ${limits.aliases} (from ${show(from.id)})`,
        },
      ]);
    }
    const joining = await liveRelationsBetween(tx, input.into, input.from, shownRelations);
    if (joining.count > 0) {
      const more =
        joining.count > joining.keys.length ? `, ... ${joining.count - joining.keys.length} more` : "";
      throw new ValidationError([
        {
          where: "input.from",
          message:
            `${show(from.id)} and ${show(into.id)} are joined by ${joining.count} relation(s) that are not retracted ` +
            `(${joining.keys.map((k) => JSON.stringify(k)).join(", ")}${more}): merged, each would join an actor to itself; ` +
            "retract them first (retractRelation) if the merge is right",
        },
      ]);
    }
    const { props } = actorRow({ ...into, aliases });
    const merged = await mergeActors(tx, input.from, input.into, {
      aliases,
      foldedNames: props.foldedNames as string[],
      searchNames: props.searchNames as string[],
      mentionKeys: props.mentionKeys as string[],
    });
    // `from`'s names are `into`'s now: the texts that write them get their mentions recomputed.
    const recount = await recountMentions(tx, changedNames([], [from.name, ...from.aliases]), {
      leaveOut: [input.from],
    });
    await deleteMergedActor(tx, input.from);
    const changeId = randomUUID();
    const result = {
      changeId,
      key: input.into,
      relations: merged.relations.length,
      places: merged.places.length,
      citations: merged.citations,
      mentions: merged.mentions,
      mentionTextsRead: recount.textsRead,
    };
    await log.record(tx, {
      id: changeId,
      // The relations it moved or re-placed: each one's history lists the merge.
      targets: [input.into, input.from, ...new Set([...merged.relations, ...merged.places])],
      details: {
        result,
        absorbed: merged.absorbed,
        before: { aliases: into.aliases },
        movedRelations: merged.relations,
        rewrittenPlaces: merged.places,
      },
    });
    return result;
  });
}

export async function retract(
  db: Database,
  writer: Caller,
  key: string,
  reason: string,
  clientKey?: string | null,
): Promise<Idempotent<{ changeId: string; key: string }>> {
  const input = parseOrRefuse(retractInput, { key, reason }, inputPath);
  return guardedWrite(db, writer, "retractRelation", clientKey, { key, reason }, async (tx, log) => {
    const status = await retractRelation(tx, input.key, writer.name, input.reason);
    if (status === "missing") {
      throw notFound("relation", input.key, {
        argument: "input.key",
        suggestions: await suggestRelations((c, p) => tx.run(c, p), input.key),
      });
    }
    if (status === "already retracted") {
      throw conflict(`Relation "${input.key}" is already retracted`);
    }
    const changeId = randomUUID();
    await log.record(tx, {
      id: changeId,
      targets: [input.key],
      details: { result: { changeId, key: input.key }, reason: input.reason },
    });
    return { changeId, key: input.key };
  });
}
