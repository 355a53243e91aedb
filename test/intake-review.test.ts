import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { checkGraph } from "../src/db/invariants.js";
import { NlpService } from "../src/nlp/service.js";
import { loadSeed } from "../src/seed/load.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import {
  acceptManyMutation,
  acceptMutation,
  article,
  type Data,
  intakeClient,
  known,
  rejectManyMutation,
  rejectMutation,
  reopenMutation,
} from "./support/intake.js";
import { testNlpConfig, testNlpReady } from "./support/nlp.js";
import { seedDir } from "./support/seed-copy.js";

/**
 * The review of intake's proposals beyond one acceptance (issue 31, decision 033): many at once, edits, bad
 * edits, reopening, intake again after the graph changed, decisions sent twice or at once, and the graph valid
 * after it all. Real Neo4j, real CoreNLP, through the GraphQL handler.
 */
describe("reviewing intake's proposals", () => {
  let db: Database;
  let nlp: NlpService;
  let client: ReturnType<typeof intakeClient>;

  beforeAll(async () => {
    // The machine running the tests is shared and loaded: generous timeouts, no timing asserted.
    db = await connectTestDatabase({ queryTimeoutMs: 120_000 });
    await testNlpReady();
    nlp = new NlpService(testNlpConfig(), quietLog);
    client = intakeClient(db, nlp);
  }, 320_000);
  beforeEach(async () => {
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog, { force: true });
  });
  afterAll(async () => {
    await nlp?.stop();
    await db?.close();
  });

  /** Relation and citation proposals whose ends and speaker are known actors: acceptable without edits. */
  const acceptable = (taken: Data) =>
    taken.proposals.filter(
      (p: Data) =>
        ((p.kind === "RELATION" && known(p.from) && known(p.to)) || p.kind === "CITATION") &&
        !p.speaker?.proposal,
    );
  const statusOf = async (key: string) =>
    (await client.ok(`{ proposal(key: "${key}") { status reason decidedBy supersededBy } }`)).proposal;
  /** The history entries linked to a proposal, with their operation. */
  const decisionsOf = async (key: string) => {
    const { records } = await db.read(
      "MATCH (c:Change)-[:DECIDED]->(:Proposal {id: $key}) RETURN c.operation AS op ORDER BY c.at",
      { key },
    );
    return records.map((r) => r.get("op") as string);
  };
  const tooMany = (keys: string[]) =>
    Array.from({ length: 101 }, (_, i) => keys[i] ?? `prop-00000000-${String(i).padStart(4, "0")}`);

  it("acceptProposals writes a list in one transaction, all or none, and refuses more than 100", async () => {
    const taken = await client.intake();
    const [first, second, third] = acceptable(taken) as Data[];
    expect(third, "three proposals acceptable as they are").toBeDefined();
    const before = await client.facts();

    // More than 100: refused with its code and rule, before anything is read.
    const bound = await client.refused(
      acceptManyMutation,
      { input: { keys: tooMany(taken.proposals.map((p: Data) => p.key)) } },
      "BAD_USER_INPUT",
    );
    expect(bound.extensions?.problems).toEqual([
      { where: "input.keys", message: "must list 1 to 100 proposal keys (got 101)" },
    ]);
    // A rejected one among them: none is accepted, and the refusal names it.
    await client.ok(rejectMutation, { input: { key: third.key, reason: "wrong actor" } });
    const conflict = await client.refused(
      acceptManyMutation,
      { input: { keys: [first.key, second.key, third.key] } },
      "CONFLICT",
    );
    expect(conflict.message).toContain(third.key);
    expect(conflict.message).toContain("REJECTED");
    // An unknown one: the same.
    const missing = await client.refused(
      acceptManyMutation,
      { input: { keys: [first.key, "prop-00000000-9999"] } },
      "NOT_FOUND",
    );
    expect(missing.message).toContain("prop-00000000-9999");
    expect(await client.facts()).toBe(before);
    expect((await statusOf(first.key)).status).toBe("PENDING");
    expect((await statusOf(second.key)).status).toBe("PENDING");

    const counted = await client.counts();
    const { acceptProposals: done } = await client.ok(acceptManyMutation, {
      input: { keys: [first.key, second.key] },
    });
    expect(done.accepted.map((a: Data) => [a.proposal.key, a.proposal.status])).toEqual([
      [first.key, "ACCEPTED"],
      [second.key, "ACCEPTED"],
    ]);
    // Each acceptance wrote one citation, and a relation unless it cited one the graph (or the list) had.
    const newRelations = done.accepted.filter(
      (a: Data) =>
        !a.citedExisting && [first, second].find((p) => p.key === a.proposal.key).kind === "RELATION",
    ).length;
    expect(await client.counts()).toEqual({
      ...counted,
      relations: counted.relations + newRelations,
      citations: counted.citations + 2,
    });
    // One history entry, linked to both.
    expect(await decisionsOf(first.key)).toEqual(["acceptProposals"]);
    expect(await decisionsOf(second.key)).toEqual(["acceptProposals"]);
    const { records } = await db.read("MATCH (c:Change {id: $id})-[:DECIDED]->(p) RETURN count(p) AS n", {
      id: done.changeId,
    });
    expect(Number(records[0]?.get("n"))).toBe(2);
    expect((await checkGraph(db)).violations).toEqual([]);
  }, 300_000);

  it("rejectProposals rejects a list with one reason, writes nothing to the graph, all or none", async () => {
    const taken = await client.intake();
    const [a, b, c] = taken.proposals as Data[];
    const before = await client.facts();
    const bound = await client.refused(
      rejectManyMutation,
      { input: { keys: tooMany(taken.proposals.map((p: Data) => p.key)), reason: "noise" } },
      "BAD_USER_INPUT",
    );
    expect(bound.extensions?.problems?.[0]?.where).toBe("input.keys");
    const empty = await client.refused(
      rejectManyMutation,
      { input: { keys: [a.key], reason: "  " } },
      "BAD_USER_INPUT",
    );
    expect(empty.extensions?.problems).toEqual([
      { where: "input.reason", message: "must say why (not empty)" },
    ]);

    await client.ok(rejectMutation, { input: { key: c.key, reason: "first look" } });
    const conflict = await client.refused(
      rejectManyMutation,
      { input: { keys: [a.key, b.key, c.key], reason: "noise" } },
      "CONFLICT",
    );
    expect(conflict.message).toContain(c.key);
    expect((await statusOf(a.key)).status).toBe("PENDING");
    expect((await statusOf(b.key)).status).toBe("PENDING");

    const { rejectProposals: done } = await client.ok(rejectManyMutation, {
      input: { keys: [a.key, b.key], reason: "not what the article says" },
    });
    expect(done.proposals.map((p: Data) => [p.key, p.status, p.reason, p.decidedBy])).toEqual([
      [a.key, "REJECTED", "not what the article says", "alice"],
      [b.key, "REJECTED", "not what the article says", "alice"],
    ]);
    expect(await decisionsOf(a.key)).toEqual(["rejectProposals"]);
    expect(await client.facts()).toBe(before);
  }, 300_000);

  it("an acceptance with edits writes each edit exactly as given", async () => {
    const taken = await client.intake();
    const proposal = acceptable(taken).find((p: Data) => p.kind === "RELATION");
    expect(proposal, "a relation proposal between known actors").toBeDefined();
    const quoteStart = proposal.quote.start + 1;
    const quoteEnd = Math.min(proposal.quote.end, quoteStart + 40);
    const before = await client.counts();
    const { acceptProposal: accepted } = await client.ok(acceptMutation, {
      input: {
        key: proposal.key,
        type: "TRAINING",
        from: "france",
        to: "niger",
        at: null,
        start: "2024-01",
        end: "2025-02-15",
        speaker: "sergei-lavrov",
        stance: "ACCUSES",
        quoteStart,
        quoteEnd,
      },
    });
    expect(accepted.citedExisting).toBe(false);
    const relation = accepted.relation;
    expect({
      type: relation.type,
      from: relation.from.key,
      to: relation.to.key,
      at: relation.at,
      start: relation.start?.value,
      end: relation.end?.value,
    }).toEqual({
      type: "TRAINING",
      from: "france",
      to: "niger",
      at: null,
      start: "2024-01",
      end: "2025-02-15",
    });
    expect(relation.citations).toHaveLength(1);
    expect(relation.citations[0]).toEqual({
      key: accepted.citations[0],
      quote: [...article].slice(quoteStart, quoteEnd).join(""),
      start: quoteStart,
      end: quoteEnd,
      stance: "ACCUSES",
      speaker: { key: "sergei-lavrov" },
      source: { key: taken.source.key },
    });
    expect(await client.counts()).toEqual({
      ...before,
      relations: before.relations + 1,
      citations: before.citations + 1,
    });
    expect(accepted.proposal).toMatchObject({ status: "ACCEPTED", acceptedKey: relation.key });

    // The article's own voice instead of the proposal's speaker, on a citation proposal.
    const citation = taken.proposals.find((p: Data) => p.kind === "CITATION");
    if (citation) {
      const { acceptProposal: cited } = await client.ok(acceptMutation, {
        input: { key: citation.key, speakerIsSource: true, stance: "REPORTS" },
      });
      const written = cited.relation.citations.find((c: Data) => c.key === cited.citations[0]);
      expect([written.speaker, written.stance, written.quote]).toEqual([
        null,
        "REPORTS",
        citation.quote.text,
      ]);
    }
    expect((await checkGraph(db)).violations).toEqual([]);
  }, 300_000);

  it("a bad edit is refused naming the field, the value and the rule, and nothing changes", async () => {
    const taken = await client.intake();
    const proposal = acceptable(taken).find((p: Data) => p.kind === "RELATION");
    const length = [...article].length;
    const before = await client.facts();
    // Each: the edit, where the refusal says the problem is, and what it says (the value, the rule).
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ type: "TELEPATHY" }, "input.type", /TELEPATHY/],
      [{ start: "2025-13" }, "input.start", /2025-13/],
      [{ at: "yesterday" }, "input.at", /yesterday/],
      [{ start: "2025-02", end: "2024-01" }, "input.end", /2024-01/],
      [{ quoteStart: 10, quoteEnd: 5 }, "input.quoteEnd", /\[10, 5\).*start < end/],
      [{ quoteEnd: length + 1 }, "input.quoteEnd", new RegExp(`<= ${length}`)],
      [{ from: "no-such-actor" }, "input.from", /unknown actor "no-such-actor"/],
      [{ speaker: "nobody-at-all" }, "input.speaker", /nobody-at-all/],
    ];
    for (const [edits, where, said] of cases) {
      const answer = await client.send(acceptMutation, { input: { key: proposal.key, ...edits } });
      const error = answer.errors?.[0];
      expect(error?.extensions?.code, `${JSON.stringify(edits)}: ${JSON.stringify(answer.errors)}`).toBe(
        "BAD_USER_INPUT",
      );
      const problems = error?.extensions?.problems ?? [];
      expect(problems.map((p) => p.where)).toContain(where);
      expect(problems.find((p) => p.where === where)?.message).toMatch(said);
    }
    // A stance outside the vocabulary does not get past the schema.
    const stance = await client.send(acceptMutation, { input: { key: proposal.key, stance: "MAYBE" } });
    expect(stance.errors?.[0]?.message).toContain("MAYBE");
    expect(await client.facts()).toBe(before);
    expect((await statusOf(proposal.key)).status).toBe("PENDING");
    expect(await decisionsOf(proposal.key)).toEqual([]);
  }, 300_000);

  it("reopening brings back a rejection only: an accepted, pending or superseded proposal is refused", async () => {
    const taken = await client.intake();
    const [rejected, accepted] = acceptable(taken) as Data[];
    const pending = taken.proposals.find((p: Data) => p.key !== rejected.key && p.key !== accepted.key);
    await client.ok(rejectMutation, { input: { key: rejected.key, reason: "wrong" } });
    const { reopenProposal: reopened } = await client.ok(reopenMutation, {
      input: { key: rejected.key, reason: "it was right" },
    });
    expect(reopened.proposals).toEqual([{ key: rejected.key, status: "PENDING", reason: "it was right" }]);
    expect(await decisionsOf(rejected.key)).toEqual(["rejectProposals", "reopenProposal"]);
    // Reopened, it is decided again as any pending proposal.
    const { acceptProposal: now } = await client.ok(acceptMutation, { input: { key: rejected.key } });
    expect(now.proposal.status).toBe("ACCEPTED");

    await client.ok(acceptMutation, { input: { key: accepted.key } });
    const facts = await client.facts();
    const refusal = await client.refused(reopenMutation, { input: { key: accepted.key } }, "CONFLICT");
    expect(refusal.message).toContain("ACCEPTED");
    expect(refusal.message).toContain("retractRelation");
    expect((await statusOf(accepted.key)).status).toBe("ACCEPTED");
    await client.refused(reopenMutation, { input: { key: pending.key } }, "CONFLICT");
    await client.refused(reopenMutation, { input: { key: "prop-00000000-9999" } }, "NOT_FOUND");
    // Taken in again, the pending one is superseded: reopening it is refused too.
    await client.ok(`mutation { intakeSource(input: { source: "${taken.source.key}" }) { intake } }`);
    const superseded = await client.refused(reopenMutation, { input: { key: pending.key } }, "CONFLICT");
    expect(superseded.message).toContain("SUPERSEDED");
    expect(await client.facts()).toBe(facts);
  }, 300_000);

  it("intake again after the graph changed supersedes only the pending proposals and knows the new actor", async () => {
    const first = await client.intake();
    const person = first.proposals.find((p: Data) => p.kind === "ACTOR" && p.name === "Fatoumata Sangaré");
    expect(person, "Fatoumata Sangaré proposed as a new actor").toBeDefined();
    const { acceptProposal: created } = await client.ok(acceptMutation, {
      input: { key: person.key, kind: "PERSON" },
    });
    const actorKey = created.proposal.acceptedKey;
    const rejected = first.proposals.find((p: Data) => p.key !== person.key && p.kind !== "ACTOR");
    await client.ok(rejectMutation, { input: { key: rejected.key, reason: "no" } });

    const { intakeSource: again } = await client.ok(
      `mutation ($source: String!) { intakeSource(input: { source: $source }) { intake superseded
        proposals { key kind name from { actor { key } } to { actor { key } } speaker { actor { key } } } } }`,
      { source: first.source.key },
    );
    // Every proposal of the first intake but the two decided was pending, and is superseded by the new one.
    expect(again.superseded).toBe(first.proposals.length - 2);
    for (const p of first.proposals) {
      const now = await statusOf(p.key);
      if (p.key === person.key) expect(now.status).toBe("ACCEPTED");
      else if (p.key === rejected.key) expect(now.status).toBe("REJECTED");
      else expect(now).toMatchObject({ status: "SUPERSEDED", supersededBy: again.intake });
    }
    // The graph now knows her: no new-actor proposal of her name, and what she says or does names her key.
    expect(again.proposals.some((p: Data) => p.kind === "ACTOR" && p.name === "Fatoumata Sangaré")).toBe(
      false,
    );
    const naming = again.proposals.filter((p: Data) =>
      [p.from, p.to, p.speaker].some((end) => end?.actor?.key === actorKey),
    );
    expect(naming.length).toBeGreaterThan(0);
    const listed = await client.ok(
      `query ($source: String!) { proposals(source: $source, status: PENDING, first: 100) { totalCount } }`,
      { source: first.source.key },
    );
    expect(listed.proposals.totalCount).toBe(again.proposals.length);
  }, 300_000);

  it("decisions sent twice or at once behave as one after the other", async () => {
    const taken = await client.intake();
    const [a, b, c, d] = acceptable(taken) as Data[];
    expect(d, "four proposals acceptable as they are").toBeDefined();
    const before = await client.counts();
    const codes = (answers: { errors?: { extensions?: { code?: string } }[] }[]) =>
      answers.map((x) => x.errors?.[0]?.extensions?.code ?? "OK").sort();

    // The same acceptance twice at once: one write, one refusal.
    const twice = await Promise.all([1, 2].map(() => client.send(acceptMutation, { input: { key: a.key } })));
    expect(codes(twice)).toEqual(["CONFLICT", "OK"]);
    const afterA = await client.counts();
    expect(afterA.citations).toBe(before.citations + 1);

    // An acceptance and a rejection at once: the one that took the lock first decided.
    const [accepting, rejecting] = await Promise.all([
      client.send(acceptMutation, { input: { key: b.key } }),
      client.send(rejectMutation, { input: { key: b.key, reason: "race" } }),
    ]);
    expect(codes([accepting, rejecting])).toEqual(["CONFLICT", "OK"]);
    const status = (await statusOf(b.key)).status;
    expect(status).toBe(accepting.errors ? "REJECTED" : "ACCEPTED");
    const afterB = await client.counts();
    expect(afterB.citations).toBe(afterA.citations + (accepting.errors ? 0 : 1));

    // Two lists sharing a proposal at once: one is written whole, the other not at all.
    const lists = await Promise.all([
      client.send(acceptManyMutation, { input: { keys: [c.key, d.key] } }),
      client.send(rejectManyMutation, { input: { keys: [d.key], reason: "race" } }),
    ]);
    expect(codes(lists)).toEqual(["CONFLICT", "OK"]);
    const listWon = !lists[0].errors;
    expect((await statusOf(c.key)).status).toBe(listWon ? "ACCEPTED" : "PENDING");
    expect((await statusOf(d.key)).status).toBe(listWon ? "ACCEPTED" : "REJECTED");

    // The same request with the same clientKey twice at once: one write, the other its replay.
    const e = acceptable(taken).find((p: Data) => ![a, b, c, d].includes(p)) ?? c;
    const pendingE = (await statusOf(e.key)).status === "PENDING";
    const keyed = await Promise.all(
      [1, 2].map(() =>
        client.send(rejectMutation, { input: { key: e.key, reason: "dup", clientKey: "rj-e" } }),
      ),
    );
    if (pendingE) {
      expect(codes(keyed)).toEqual(["OK", "OK"]);
      expect(keyed.map((x) => x.data.rejectProposal.replayed).sort()).toEqual([false, true]);
      expect(keyed[0]?.data.rejectProposal.changeId).toBe(keyed[1]?.data.rejectProposal.changeId);
      expect(await decisionsOf(e.key)).toEqual(["rejectProposals"]);
    }
    expect((await checkGraph(db)).violations).toEqual([]);
  }, 300_000);

  it("accepting every proposal of the article at once leaves the graph valid", async () => {
    const taken = await client.intake();
    expect(taken.proposals.length).toBeLessThanOrEqual(100);
    const before = await client.counts();
    const { acceptProposals: done } = await client.ok(acceptManyMutation, {
      input: { keys: taken.proposals.map((p: Data) => p.key) },
    });
    const decided = new Set(
      done.accepted.flatMap((a: Data) => [a.proposal.key, ...a.createdActors.map((x: Data) => x.key)]),
    );
    expect(decided.size).toBeGreaterThan(0);
    for (const p of taken.proposals) expect((await statusOf(p.key)).status).toBe("ACCEPTED");
    const after = await client.counts();
    expect(after.actors).toBe(
      before.actors +
        new Set(done.accepted.flatMap((a: Data) => a.createdActors.map((x: Data) => x.key))).size,
    );
    expect(after.citations).toBe(
      before.citations + done.accepted.reduce((n: number, a: Data) => n + a.citations.length, 0),
    );
    expect((await checkGraph(db)).violations).toEqual([]);
  }, 300_000);
});
