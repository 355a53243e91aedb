import { randomUUID } from "node:crypto";
import type { ManagedTransaction } from "neo4j-driver";
import type { Caller } from "../auth.js";
import type { Database } from "../db/database.js";
import { liveRelationsOfPairs } from "../db/evidence.js";
import {
  type Decision,
  decideProposals,
  linkDecided,
  type ProposalRecord,
  proposalsByKey,
} from "../db/proposals.js";
import { actorsByKey, knownRecords } from "../db/writes.js";
import { conflict, DomainError, notFound } from "../domain/errors.js";
import { show } from "../domain/grammar.js";
import { batchInput, citeInput, editInput, type Vocabulary } from "../domain/model.js";
import { findSameRelation } from "../domain/same-relation.js";
import { codePoints, foldName, sliceCodePoints } from "../domain/text.js";
import { writeCitations } from "../ingest/evidence.js";
import {
  actorKeyFromName,
  type ChangeLog,
  guardedWrite,
  type Idempotent,
  inputPath,
  parseOrRefuse,
  relationKeyFor,
  ValidationError,
  writeActorEdit,
  writeBatch,
} from "../ingest/service.js";

/**
 * The review of intake's proposals (docs/decisions/033-proposals.md): accept one with edits, reject with a
 * reason, many at once, reopen a rejection. An acceptance writes through the same functions as the mutations
 * that write by hand (writeBatch for actors and relations, writeCitations for citations, writeActorEdit for
 * aliases): the same grammar, checks and write lock, in ONE transaction with the decision, recorded as ONE
 * history entry linked to the proposals it decided `(:Change)-[:DECIDED]->(:Proposal)`.
 */

/** Reads inside a write transaction, as the store's read functions take them. */
const reader = (tx: ManagedTransaction) => (cypher: string, params: Record<string, unknown>) =>
  tx.run(cypher, params);

/** Most proposals one acceptProposals or rejectProposals decides. */
export const proposalsPerDecision = 100;

/**
 * What an analyst may change when accepting: each field left out keeps the proposal's value. `from`, `to`,
 * `speaker` and `actor` are keys of known actors; `fromProposal`, `toProposal` and `speakerProposal` name an ACTOR
 * proposal of the same source instead (a name the rules proposed, made that end by the analyst); `proposedActors`
 * says, for an end or speaker that is a proposed new actor, which known actor it is (`actor`) or the new actor's
 * `kind`, `name` and `key`.
 */
export interface AcceptEdits {
  type?: string | null;
  from?: string | null;
  to?: string | null;
  fromProposal?: string | null;
  toProposal?: string | null;
  speakerProposal?: string | null;
  at?: string | null;
  start?: string | null;
  end?: string | null;
  /** The speaker's key; `speakerIsSource` true makes the citation the article's own voice. */
  speaker?: string | null;
  speakerIsSource?: boolean | null;
  stance?: string | null;
  quoteStart?: number | null;
  quoteEnd?: number | null;
  /** ACTOR: the known actor the name is (its name becomes an alias); ALIAS: another actor to give it to. */
  actor?: string | null;
  /** ACTOR: the new actor's kind, name and key (default: the guessed kind, the name, a key from the name). */
  kind?: string | null;
  name?: string | null;
  newKey?: string | null;
  /** CITATION: another relation to cite. */
  relation?: string | null;
  /** RELATION: a fact of its own although the same relation exists (as assertRelation's `distinct`). */
  distinct?: boolean | null;
  proposedActors?:
    | {
        proposal: string;
        actor?: string | null;
        kind?: string | null;
        name?: string | null;
        key?: string | null;
      }[]
    | null;
}

/** The answer of an acceptance: what was written or named, and every proposal the write decided. */
export interface AcceptResult {
  changeId: string;
  key: string;
  /** ACTOR, ALIAS: the actor's key; RELATION, CITATION: the relation's key (an existing one when cited). */
  acceptedKey: string;
  acceptedCitations: string[];
  /** True when a RELATION proposal stated a relation the graph has: it was cited, not copied. */
  citedExisting: boolean;
  /** The proposals the write accepted: this one, and the ACTOR proposals its ends or speaker were. */
  decided: string[];
  createdActors: string[];
}

/** The answer of a rejection or a reopening. */
export interface DecisionResult {
  changeId: string;
  keys: string[];
}

/** A log that keeps the entries of the writes an acceptance makes, so that they are recorded as one change. */
function collectingLog(): ChangeLog & { entries: Parameters<ChangeLog["record"]>[1][] } {
  const entries: Parameters<ChangeLog["record"]>[1][] = [];
  return {
    entries,
    record: async (_tx, entry) => {
      entries.push(entry);
    },
  };
}

const notPending = (p: ProposalRecord) =>
  conflict(
    `Proposal ${show(p.key)} is ${p.status}` +
      (p.decidedBy ? ` (by ${show(p.decidedBy)}, change ${show(p.changeId)})` : "") +
      ": only a PENDING proposal is decided; reopenProposal brings back a rejected one",
  );

async function pendingProposal(
  tx: ManagedTransaction,
  key: string,
  argument: string,
): Promise<ProposalRecord> {
  const [p] = await proposalsByKey(reader(tx), [key]);
  if (!p) throw notFound("proposal", key, { argument });
  if (p.status !== "PENDING") throw notPending(p);
  return p;
}

/**
 * Accepts one proposal with the analyst's edits (see AcceptEdits), in one transaction under the write lock:
 * - ACTOR: a new actor (kind, name, key as edited), or, with `actor`, the name linked to that known actor as its
 *   alias (nothing written when it is already one of its names);
 * - ALIAS: the alias added to the actor;
 * - RELATION: the relation with one citation (the quote at its bounds, speaker, stance), asserted as
 *   assertRelation does; an end or speaker that is a proposed actor is created (or linked) in the same write and
 *   its ACTOR proposal accepted; when the rule of the same relation finds the relation stored, the quote cites it
 *   (never a duplicate) unless `distinct`;
 * - CITATION: the quote cites the relation, as citeRelation does.
 * @throws NOT_FOUND for an unknown proposal; CONFLICT for one not PENDING, or a clientKey used for another
 *   request; the refusals of the write it makes (BAD_USER_INPUT at `input.` paths, CONFLICT, NOT_FOUND).
 */
export async function acceptProposal(
  db: Database,
  vocabulary: Vocabulary,
  writer: Caller,
  request: { key: string } & AcceptEdits,
  clientKey?: string | null,
): Promise<Idempotent<AcceptResult>> {
  return guardedWrite(db, writer, "acceptProposal", clientKey, request, async (tx, log) => {
    const writes = collectingLog();
    const p = await pendingProposal(tx, request.key, "input.key");
    const outcome = await acceptWithin(tx, writes, vocabulary, p, request);
    const changeId = randomUUID();
    const result: AcceptResult = { changeId, key: p.key, ...withoutDecisions(outcome) };
    await recordDecision(tx, log, changeId, p.sourceKey, writes, result, outcome.decisions, writer);
    return result;
  });
}

/**
 * Records an acceptance's writes as one history entry (through guardedWrite's log, which adds who, the role, the
 * operation and the request's fingerprint), sets the decisions and links the entry to the proposals decided.
 */
async function recordDecision(
  tx: ManagedTransaction,
  log: ChangeLog,
  changeId: string,
  source: string | null,
  writes: ReturnType<typeof collectingLog>,
  result: unknown,
  decisions: Outcome["decisions"],
  writer: Caller,
) {
  const decided = decisions.map((d) => d.key);
  await log.record(tx, {
    id: changeId,
    // Every record the writes touched, and the proposals decided: each one's history lists the decision.
    targets: [...new Set([...writes.entries.flatMap((e) => e.targets), ...decided])],
    sources: [...new Set([...(source ? [source] : []), ...writes.entries.flatMap((e) => e.sources ?? [])])],
    details: { result, writes: writes.entries.map((e) => e.details) },
  });
  await decideProposals(
    tx,
    decisions.map((d) => ({ ...d, by: writer.name, changeId })),
  );
  await linkDecided(tx, changeId, decided);
}

type Outcome = Omit<AcceptResult, "changeId" | "key"> & {
  decisions: ({ key: string } & Omit<Decision, "by" | "changeId">)[];
};

/** What an end or speaker is once resolved: a known actor's key, possibly one created by this write. */
interface Resolved {
  key: string;
}

async function acceptWithin(
  tx: ManagedTransaction,
  log: ChangeLog,
  vocabulary: Vocabulary,
  p: ProposalRecord,
  edits: AcceptEdits,
): Promise<Outcome> {
  const newActors: { id: string; name: string; kind: string; aliases: string[]; description: null }[] = [];
  const links: { actor: string; name: string }[] = [];
  const decisions: Outcome["decisions"] = [];
  const proposedEdits = new Map((edits.proposedActors ?? []).map((e) => [e.proposal, e]));

  /** An ACTOR proposal as an end or speaker: the actor it was accepted as, the one named, or a new one. */
  const resolveProposed = async (key: string, where: string): Promise<Resolved> => {
    const done = decisions.find((d) => d.key === key);
    if (done?.acceptedKey) return { key: done.acceptedKey };
    const [q] = await proposalsByKey(reader(tx), [key]);
    // Only a name of the same text: an end from another article would cite this one for a name it does not write.
    if (q?.kind !== "ACTOR" || q.sourceKey !== p.sourceKey) {
      throw notFound("actor proposal of this source", key, { argument: where });
    }
    if (q.status === "ACCEPTED" && q.acceptedKey) return { key: q.acceptedKey };
    const edit = proposedEdits.get(key);
    if (q.status !== "PENDING" && !edit?.actor) {
      throw new ValidationError([
        {
          where,
          message: `the proposed actor ${show(q.name)} (${show(key)}) is ${q.status}: name the actor it is (an actor key)`,
        },
      ]);
    }
    const accepted = edit?.actor ?? null;
    let actorKey: string;
    if (accepted) {
      actorKey = accepted;
      links.push({ actor: accepted, name: q.name ?? "" });
    } else {
      actorKey = edit?.key ?? actorKeyFromName(edit?.name ?? q.name ?? "");
      newActors.push({
        id: actorKey,
        name: edit?.name ?? q.name ?? "",
        kind: edit?.kind ?? q.actorKind ?? "",
        aliases: [],
        description: null,
      });
    }
    if (q.status === "PENDING") {
      decisions.push({ key, status: "ACCEPTED", reason: null, acceptedKey: actorKey, acceptedCitations: [] });
    }
    return { key: actorKey };
  };
  const end = async (
    edit: string | null | undefined,
    editProposal: string | null | undefined,
    actor: string | null,
    proposal: string | null,
    where: string,
  ): Promise<string | null> => {
    if (edit && editProposal) {
      throw new ValidationError([
        { where, message: `name an actor (${where}) or a proposed one (${where}Proposal), not both` },
      ]);
    }
    if (edit) return edit;
    if (editProposal) return (await resolveProposed(editProposal, `${where}Proposal`)).key;
    if (actor) return actor;
    if (proposal) return (await resolveProposed(proposal, where)).key;
    return null;
  };

  const quote = async () => {
    const known = await knownRecords(tx, { actors: [], sources: [p.sourceKey], relations: [], names: [] });
    const text = known.sources[0]?.text;
    if (text === undefined) throw notFound("source", p.sourceKey, { argument: "input.key" });
    const start = edits.quoteStart ?? p.quoteStart;
    const endAt = edits.quoteEnd ?? p.quoteEnd;
    const points = codePoints(text);
    if (!(start >= 0 && start < endAt && endAt <= points.length)) {
      throw new ValidationError([
        {
          where: "input.quoteEnd",
          message: `the quote's bounds [${start}, ${endAt}) must satisfy 0 <= start < end <= ${points.length} (the text's length in code points)`,
        },
      ]);
    }
    return { source: p.sourceKey, quote: sliceCodePoints(points, start, endAt), start, end: endAt };
  };
  const speakerOf = async () =>
    edits.speakerIsSource
      ? null
      : await end(edits.speaker, edits.speakerProposal, p.speakerActor, p.speakerProposal, "input.speaker");

  let acceptedKey: string;
  let acceptedCitations: string[] = [];
  let citedExisting = false;
  const writeActors = async () => {
    if (newActors.length > 0) {
      await writeBatch(
        tx,
        log,
        vocabulary,
        parseOrRefuse(batchInput, { sources: [], actors: newActors, relations: [] }, inputPath),
        (_section, index, at) => inputPath(["proposedActors", index, ...at]),
      );
    }
    await linkNames(tx, log, vocabulary, links);
  };

  switch (p.kind) {
    case "ACTOR": {
      if (edits.actor) {
        links.push({ actor: edits.actor, name: p.name ?? "" });
        acceptedKey = edits.actor;
      } else {
        acceptedKey = edits.newKey ?? actorKeyFromName(edits.name ?? p.name ?? "");
        newActors.push({
          id: acceptedKey,
          name: edits.name ?? p.name ?? "",
          kind: edits.kind ?? p.actorKind ?? "",
          aliases: [],
          description: null,
        });
      }
      await writeActors();
      break;
    }
    case "ALIAS": {
      acceptedKey = edits.actor ?? p.actor ?? "";
      links.push({ actor: acceptedKey, name: edits.name ?? p.alias ?? "" });
      await writeActors();
      break;
    }
    case "RELATION": {
      const from = await end(edits.from, edits.fromProposal, p.fromActor, p.fromProposal, "input.from");
      const to = await end(edits.to, edits.toProposal, p.toActor, p.toProposal, "input.to");
      const speaker = await speakerOf();
      const citation = { ...(await quote()), speaker, stance: edits.stance ?? p.stance ?? "" };
      const relation = {
        type: edits.type ?? p.relationType ?? "",
        from: from ?? "",
        to: to ?? "",
        role: null,
        at: edits.at !== undefined ? edits.at : p.at,
        start: edits.start !== undefined ? edits.start : p.start,
        end: edits.end !== undefined ? edits.end : p.end,
        note: null,
        addresses: [],
        places: [],
        citations: [citation],
      };
      await writeActors();
      const stored = edits.distinct
        ? []
        : await liveRelationsOfPairs(tx, [{ type: relation.type, a: relation.from, b: relation.to }], 1000);
      const same = findSameRelation(vocabulary, relation, stored);
      if (same) {
        const cited = await writeCitations(
          tx,
          log,
          vocabulary,
          parseOrRefuse(citeInput, { relation: same.key, citations: [citation] }, inputPath),
        );
        acceptedKey = same.key;
        acceptedCitations = cited.citations;
        citedExisting = true;
      } else {
        const id = relationKeyFor(relation);
        await writeBatch(
          tx,
          log,
          vocabulary,
          parseOrRefuse(
            batchInput,
            {
              sources: [],
              actors: [],
              relations: [{ ...relation, id, ...(edits.distinct ? { distinct: true } : {}) }],
            },
            // The grammar's paths start with the batch's section and index: the input has one relation.
            (at) => relationPath(at.slice(2)),
          ),
          (_section, _index, at) => relationPath(at),
        );
        acceptedKey = id;
        acceptedCitations = [`${id}#1`];
      }
      break;
    }
    case "CITATION": {
      const speaker = await speakerOf();
      const citation = { ...(await quote()), speaker, stance: edits.stance ?? p.stance ?? "" };
      await writeActors();
      const relation = edits.relation ?? p.relation ?? "";
      const cited = await writeCitations(
        tx,
        log,
        vocabulary,
        parseOrRefuse(citeInput, { relation, citations: [citation] }, relationPath),
      );
      acceptedKey = relation;
      acceptedCitations = cited.citations;
      break;
    }
  }
  decisions.unshift({ key: p.key, status: "ACCEPTED", reason: null, acceptedKey, acceptedCitations });
  return {
    acceptedKey,
    acceptedCitations,
    citedExisting,
    decided: decisions.map((d) => d.key),
    createdActors: newActors.map((a) => a.id),
    decisions,
  };
}

/**
 * Where a field of the relation or citation an acceptance builds is in its input: the relation's fields are the
 * input's own; its one citation's quote, offsets, speaker and stance are the input's quote fields.
 */
function relationPath(at: readonly (string | number)[]): string {
  const [first, , field] = at;
  if (first !== "citations") return inputPath(at);
  if (field === "start") return "input.quoteStart";
  if (field === "end" || field === "quote") return "input.quoteEnd";
  return inputPath(field === undefined ? ["key"] : [String(field)]);
}

/** Gives each named actor the name as an alias, unless it is one of its names already (accents and case aside). */
async function linkNames(
  tx: ManagedTransaction,
  log: ChangeLog,
  vocabulary: Vocabulary,
  links: readonly { actor: string; name: string }[],
): Promise<void> {
  for (const link of links) {
    const [actor] = await actorsByKey(tx, [link.actor]);
    if (!actor) throw notFound("actor", link.actor, { argument: "input.actor" });
    const names = [actor.name, ...actor.aliases].map(foldName);
    if (names.includes(foldName(link.name))) continue;
    await writeActorEdit(
      tx,
      log,
      vocabulary,
      parseOrRefuse(editInput, { key: link.actor, patch: { addAliases: [link.name] } }, (at) =>
        inputPath(at[0] === "patch" ? ["name"] : at),
      ),
    );
  }
}

/**
 * Rejects proposals with a reason: their status and the reason change, nothing else of the graph does. One
 * history entry for all of them, linked to each. At most `proposalsPerDecision` at once.
 * @throws NOT_FOUND for an unknown key; CONFLICT for one that is not PENDING (none is rejected then).
 */
export async function rejectProposals(
  db: Database,
  writer: Caller,
  request: { keys: string[]; reason: string },
  clientKey?: string | null,
): Promise<Idempotent<DecisionResult>> {
  checkKeys(request.keys);
  if (request.reason.trim() === "") {
    throw new ValidationError([{ where: "input.reason", message: "must say why (not empty)" }]);
  }
  return guardedWrite(db, writer, "rejectProposals", clientKey, request, async (tx, log) => {
    const found = await proposalsByKey(reader(tx), request.keys);
    const missing = request.keys.find((k) => !found.some((p) => p.key === k));
    if (missing !== undefined) throw notFound("proposal", missing, { argument: "input.keys" });
    const decided = found.find((p) => p.status !== "PENDING");
    if (decided) throw notPending(decided);
    const changeId = randomUUID();
    const keys = [...new Set(request.keys)];
    const result: DecisionResult = { changeId, keys };
    await log.record(tx, {
      id: changeId,
      targets: keys,
      sources: [...new Set(found.map((p) => p.sourceKey))],
      details: { result, reason: request.reason },
    });
    await decideProposals(
      tx,
      keys.map((key) => ({
        key,
        status: "REJECTED",
        by: writer.name,
        reason: request.reason,
        changeId,
        acceptedKey: null,
        acceptedCitations: [],
      })),
    );
    await linkDecided(tx, changeId, keys);
    return result;
  });
}

/**
 * Accepts several proposals one after the other in ONE transaction (all or none): each as acceptProposal would
 * without edits, except that a proposed actor accepted by an earlier one is the same actor for the later ones.
 * At most `proposalsPerDecision`.
 * @throws as acceptProposal, for the first that fails; nothing is written then.
 */
export async function acceptProposals(
  db: Database,
  vocabulary: Vocabulary,
  writer: Caller,
  request: { keys: string[] },
  clientKey?: string | null,
): Promise<Idempotent<{ changeId: string; accepted: AcceptResult[] }>> {
  checkKeys(request.keys);
  return guardedWrite(db, writer, "acceptProposals", clientKey, request, async (tx, log) => {
    const changeId = randomUUID();
    const accepted: AcceptResult[] = [];
    const writes = collectingLog();
    const decisions: Outcome["decisions"] = [];
    for (const key of [...new Set(request.keys)]) {
      // A proposal decided by an earlier one of the list (an ACTOR proposal accepted as a relation's end) is done.
      if (decisions.some((d) => d.key === key)) continue;
      const p = await pendingProposal(tx, key, "input.keys");
      const outcome = await acceptWithin(tx, writes, vocabulary, p, {});
      // Set now, so that the next acceptance sees the actors this one accepted.
      await decideProposals(
        tx,
        outcome.decisions.map((d) => ({ ...d, by: writer.name, changeId })),
      );
      accepted.push({ changeId, key, ...withoutDecisions(outcome) });
      decisions.push(...outcome.decisions);
    }
    const result = { changeId, accepted };
    await recordDecision(tx, log, changeId, null, writes, result, decisions, writer);
    return result;
  });
}

const withoutDecisions = ({ decisions: _decisions, ...rest }: Outcome) => rest;

/**
 * Brings a REJECTED proposal back to PENDING, recorded in the history. An ACCEPTED one is refused (CONFLICT): what
 * it wrote stays in the graph, and accepting it again would state it twice; retract the relation (retractRelation)
 * or withdraw the citation (withdrawCitation) to undo it. A SUPERSEDED one is refused too: intake the source
 * again.
 * @throws NOT_FOUND for an unknown key; CONFLICT as said.
 */
export async function reopenProposal(
  db: Database,
  writer: Caller,
  request: { key: string; reason: string | null },
  clientKey?: string | null,
): Promise<Idempotent<DecisionResult>> {
  return guardedWrite(db, writer, "reopenProposal", clientKey, request, async (tx, log) => {
    const [p] = await proposalsByKey(reader(tx), [request.key]);
    if (!p) throw notFound("proposal", request.key, { argument: "input.key" });
    if (p.status !== "REJECTED") {
      throw new DomainError(
        "CONFLICT",
        p.status === "ACCEPTED"
          ? `Proposal ${show(p.key)} is ACCEPTED: what it wrote (${show(p.acceptedKey)}) stays in the graph; retract the ` +
              "relation (retractRelation) or withdraw the citation (withdrawCitation) to undo it"
          : `Proposal ${show(p.key)} is ${p.status}: only a REJECTED proposal is reopened`,
        { status: p.status },
      );
    }
    const changeId = randomUUID();
    const result: DecisionResult = { changeId, keys: [p.key] };
    await log.record(tx, {
      id: changeId,
      targets: [p.key],
      sources: [p.sourceKey],
      details: { result, reason: request.reason, before: { status: p.status, reason: p.reason } },
    });
    await decideProposals(tx, [
      {
        key: p.key,
        status: "PENDING",
        by: writer.name,
        reason: request.reason,
        changeId,
        acceptedKey: null,
        acceptedCitations: [],
      },
    ]);
    await linkDecided(tx, changeId, [p.key]);
    return result;
  });
}

function checkKeys(keys: readonly string[]) {
  if (keys.length === 0 || keys.length > proposalsPerDecision) {
    throw new ValidationError([
      {
        where: "input.keys",
        message: `must list 1 to ${proposalsPerDecision} proposal keys (got ${keys.length})`,
      },
    ]);
  }
}
