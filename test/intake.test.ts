import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { checkGraph } from "../src/db/invariants.js";
import { NlpService } from "../src/nlp/service.js";
import { loadSeed } from "../src/seed/load.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import {
  acceptMutation as accept,
  article,
  type Data,
  intakeClient,
  known,
  reader,
  rejectMutation as reject,
  reopenMutation as reopen,
} from "./support/intake.js";
import { testNlpConfig, testNlpReady } from "./support/nlp.js";
import { seedDir } from "./support/seed-copy.js";

describe("article intake: proposals stored, reviewed and written", () => {
  let db: Database;
  let nlp: NlpService;
  let offNlp: NlpService;
  let client: ReturnType<typeof intakeClient>;
  let offClient: ReturnType<typeof intakeClient>;
  const ok = (query: string, variables: Record<string, unknown> = {}) => client.ok(query, variables);
  const refused = (query: string, variables: Record<string, unknown>, code: string) =>
    client.refused(query, variables, code);
  const snapshotRelations = () => client.counts();
  const facts = () => client.facts();
  const intake = (variables: Record<string, unknown> = {}, on = client) =>
    on.intake(variables).then((intakeText) => ({ intakeText }));

  beforeAll(async () => {
    // The machine running the tests is shared and loaded: generous timeouts, no timing asserted.
    db = await connectTestDatabase({ queryTimeoutMs: 120_000 });
    await testNlpReady();
    nlp = new NlpService(testNlpConfig(), quietLog);
    offNlp = new NlpService(testNlpConfig({ mode: "off" }), quietLog);
    client = intakeClient(db, nlp);
    offClient = intakeClient(db, offNlp);
  }, 320_000);
  beforeEach(async () => {
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog, { force: true });
  });
  afterAll(async () => {
    await nlp?.stop();
    await db?.close();
  });

  it("a new article yields proposals of every kind, each quote the source's exact text", async () => {
    const { intakeText: taken } = await intake();
    expect(taken.recogniser).toEqual({ ran: true, reason: null });
    expect(taken.parse).toEqual({ ran: true, reason: null });
    expect(taken.created).toBe(true);
    const points = [...article];
    for (const p of taken.proposals) {
      expect(p.status).toBe("PENDING");
      expect(points.slice(p.quote.start, p.quote.end).join("")).toBe(p.quote.text);
    }
    expect(taken.actors).toBeGreaterThan(0);
    expect(taken.relations).toBeGreaterThan(0);
    const names = taken.proposals.filter((p: Data) => p.kind === "ACTOR").map((p: Data) => p.name);
    expect(names).toContain("Fatoumata Sangaré");
  });

  it("accepting a relation between known actors writes that relation with its one citation, linked from the history", async () => {
    const { intakeText: taken } = await intake();
    const proposal = taken.proposals.find(
      (p: Data) => p.kind === "RELATION" && known(p.from) && known(p.to) && p.speaker?.proposal == null,
    );
    expect(proposal, "a relation proposal between known actors").toBeDefined();
    const before = await snapshotRelations();
    const { acceptProposal: accepted } = await ok(accept, {
      input: { key: proposal.key, clientKey: "acc-1" },
    });
    expect(accepted.proposal.status).toBe("ACCEPTED");
    expect(accepted.proposal.decidedBy).toBe("alice");
    const relation = accepted.relation;
    expect([relation.type, relation.from.key, relation.to.key]).toEqual([
      proposal.type,
      known(proposal.from),
      known(proposal.to),
    ]);
    const citation = relation.citations.find((c: Data) => accepted.citations.includes(c.key));
    expect([citation.quote, citation.start, citation.end, citation.stance, citation.source.key]).toEqual([
      proposal.quote.text,
      proposal.quote.start,
      proposal.quote.end,
      proposal.stance,
      taken.source.key,
    ]);
    // Exactly one relation more (or one citation more, when the graph already had it), nothing else.
    const after = await snapshotRelations();
    if (accepted.citedExisting) expect(after.relations).toBe(before.relations);
    else expect(after.relations).toBe(before.relations + 1);
    expect(after.citations).toBe(before.citations + 1);
    expect(after.actors).toBe(before.actors);
    // The history's entry is linked to the proposal and lists it.
    const { records } = await db.read(
      "MATCH (c:Change)-[:DECIDED]->(p:Proposal {id: $key}) RETURN c.id AS id, c.operation AS op",
      { key: proposal.key },
    );
    expect(records.map((r) => [r.get("id"), r.get("op")])).toEqual([[accepted.changeId, "acceptProposal"]]);
    const history = (await ok(`{ history(key: "${relation.key}") { id operation } }`)).history;
    expect(history.map((h: Data) => h.id)).toContain(accepted.changeId);
    expect((await checkGraph(db)).violations).toEqual([]);

    // The same decision sent again with its key replays; without it, it is refused: it is decided.
    const again = await ok(accept, { input: { key: proposal.key, clientKey: "acc-1" } });
    expect(again.acceptProposal.replayed).toBe(true);
    expect(again.acceptProposal.changeId).toBe(accepted.changeId);
    const refusal = await refused(accept, { input: { key: proposal.key } }, "CONFLICT");
    expect(refusal.message).toContain("ACCEPTED");
    expect(await snapshotRelations()).toEqual(after);
    // An accepted proposal cannot be reopened: what it wrote stays.
    await refused(reopen, { input: { key: proposal.key } }, "CONFLICT");
  });

  it("accepting a relation whose end is a proposed new actor creates the actor in the same write", async () => {
    const { intakeText: taken } = await intake();
    const proposal = taken.proposals.find(
      (p: Data) => p.kind === "RELATION" && (p.from?.proposal || p.to?.proposal) && !p.speaker?.proposal,
    );
    expect(proposal, "a relation proposal with a proposed end").toBeDefined();
    const newEnd = proposal.from.proposal ?? proposal.to.proposal;
    const before = await snapshotRelations();
    const { acceptProposal: accepted } = await ok(accept, {
      input: { key: proposal.key, proposedActors: [{ proposal: newEnd.key, kind: "PERSON" }] },
    });
    expect(accepted.createdActors).toHaveLength(1);
    const created = accepted.createdActors[0];
    expect([created.name, created.kind]).toEqual([newEnd.name, "PERSON"]);
    expect(accepted.decided.map((d: Data) => [d.key, d.status]).sort()).toEqual(
      [
        [proposal.key, "ACCEPTED"],
        [newEnd.key, "ACCEPTED"],
      ].sort(),
    );
    const ends = [accepted.relation.from.key, accepted.relation.to.key];
    expect(ends).toContain(created.key);
    const after = await snapshotRelations();
    expect(after).toEqual({
      actors: before.actors + 1,
      relations: before.relations + 1,
      citations: before.citations + 1,
    });
    expect((await checkGraph(db)).violations).toEqual([]);
  });

  it("an analyst can make a proposed new actor an end or the speaker of a relation, in the same write", async () => {
    const { intakeText: taken } = await intake();
    const proposal = taken.proposals.find(
      (p: Data) => p.kind === "RELATION" && known(p.from) && known(p.to) && !p.speaker?.proposal,
    );
    const person = taken.proposals.find((p: Data) => p.kind === "ACTOR" && p.name === "Fatoumata Sangaré");
    expect([proposal, person].every(Boolean), "a relation between known actors, and a proposed person").toBe(
      true,
    );
    const before = await facts();
    // An end named twice, or a proposal that is not a name of this source, is refused; nothing changes.
    const twice = await refused(
      accept,
      { input: { key: proposal.key, to: "mali", toProposal: person.key } },
      "BAD_USER_INPUT",
    );
    expect(twice.message).toContain("input.to");
    await refused(accept, { input: { key: proposal.key, toProposal: proposal.key } }, "NOT_FOUND");
    expect(await facts()).toBe(before);
    const { acceptProposal: accepted } = await ok(accept, {
      input: {
        key: proposal.key,
        type: "STATEMENT",
        fromProposal: person.key,
        speakerProposal: person.key,
        stance: "ASSERTS",
        proposedActors: [{ proposal: person.key, kind: "PERSON" }],
      },
    });
    expect(accepted.createdActors.map((a: Data) => [a.name, a.kind])).toEqual([
      ["Fatoumata Sangaré", "PERSON"],
    ]);
    expect(accepted.relation.from.key).toBe(accepted.createdActors[0].key);
    expect(accepted.decided.map((d: Data) => d.key).sort()).toEqual([proposal.key, person.key].sort());
    const citation = accepted.relation.citations.find((c: Data) => accepted.citations.includes(c.key));
    expect(citation.speaker.key).toBe(accepted.createdActors[0].key);
    expect((await checkGraph(db)).violations).toEqual([]);
  });

  it("a relation the graph already has becomes a citation of it, never a duplicate", async () => {
    const { intakeText: taken } = await intake();
    const proposal = taken.proposals.find((p: Data) => p.kind === "CITATION");
    expect(proposal, "a citation proposal").toBeDefined();
    const before = await snapshotRelations();
    const { acceptProposal: accepted } = await ok(accept, { input: { key: proposal.key } });
    expect(accepted.relation.key).toBe(proposal.relation.key);
    expect(accepted.citations).toHaveLength(1);
    const citation = accepted.relation.citations.find((c: Data) => c.key === accepted.citations[0]);
    expect([citation.quote, citation.stance]).toEqual([proposal.quote.text, proposal.stance]);
    expect(await snapshotRelations()).toEqual({ ...before, citations: before.citations + 1 });
    expect((await checkGraph(db)).violations).toEqual([]);
  });

  it("rejecting writes nothing to the graph; a rejection can be reopened; two decisions at once are one after the other", async () => {
    const { intakeText: taken } = await intake();
    const [first, second] = taken.proposals;
    const before = await facts();
    const { rejectProposal: rejected } = await ok(reject, {
      input: { key: first.key, reason: "not in the text" },
    });
    expect(rejected.proposals[0]).toMatchObject({
      status: "REJECTED",
      reason: "not in the text",
      decidedBy: "alice",
    });
    expect(await facts()).toBe(before);
    const history = (await ok(`{ history(key: "${first.key}") { id operation } }`)).history;
    expect(history.map((h: Data) => h.operation)).toEqual(["rejectProposals"]);
    const { reopenProposal: reopened } = await ok(reopen, {
      input: { key: first.key, reason: "second look" },
    });
    expect(reopened.proposals[0].status).toBe("PENDING");

    // Two rejections of one proposal at once: one wins, the other finds it decided.
    const answers = await Promise.all(
      [1, 2].map((n) => client.send(reject, { input: { key: second.key, reason: `reason ${n}` } })),
    );
    const codes = answers.map((a) => a.errors?.[0]?.extensions?.code ?? "OK").sort();
    expect(codes).toEqual(["CONFLICT", "OK"]);
    expect(await facts()).toBe(before);
    // A reader may not decide.
    const byReader = await client.send(reject, { input: { key: first.key, reason: "x" } }, reader.key);
    expect(byReader.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("intake again supersedes the pending proposals; NLP off gives the gazetteer's proposals and says so", async () => {
    const { intakeText: first } = await intake();
    const { intakeText: off } = await intake({}, offClient);
    expect(off.created).toBe(false);
    expect(off.superseded).toBe(first.proposals.length);
    expect(off.recogniser.ran).toBe(false);
    expect(off.recogniser.reason).toContain("NLP=off");
    expect(off.parse.ran).toBe(false);
    expect(off.proposals.length).toBeGreaterThan(0);
    expect(off.proposals.every((p: Data) => p.stage === "GAZETTEER")).toBe(true);
    // The gazetteer finds no name the graph does not know.
    expect(off.proposals.some((p: Data) => p.kind === "ACTOR")).toBe(false);
    const listed = await ok(
      `query ($source: String!) { superseded: proposals(source: $source, status: SUPERSEDED, first: 100) { totalCount }
        pending: proposals(source: $source, status: PENDING, first: 2) { totalCount edges { node { key intake } } pageInfo { hasNextPage endCursor } } }`,
      { source: off.source.key },
    );
    expect(listed.superseded.totalCount).toBe(first.proposals.length);
    expect(listed.pending.totalCount).toBe(off.proposals.length);
    expect(listed.pending.edges.every((e: Data) => e.node.intake === off.intake)).toBe(true);
    if (off.proposals.length > 2) {
      const next = await ok(
        `query ($source: String!, $after: String) { source(key: $source) { proposals(status: PENDING, first: 100, after: $after) { edges { node { key } } } } }`,
        { source: off.source.key, after: listed.pending.pageInfo.endCursor },
      );
      expect(next.source.proposals.edges).toHaveLength(off.proposals.length - 2);
    }
  });
});
