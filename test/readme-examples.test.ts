import { Kind, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { readExamples } from "../src/http/examples.js";
import { loadSeed } from "../src/seed/load.js";
import { readSeed, type SeedCorpus } from "../src/seed/read.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { graphqlClient } from "./support/graphql.js";
import { seedDir } from "./support/seed-copy.js";
import { postGraphQL, serveOnLoopback } from "./support/server.js";
import { subscribeSse } from "./support/sse.js";

/**
 * Every example file of examples/, in order: the queries GraphiQL opens on, which README.md and docs/examples.md
 * show (test/examples.test.ts holds them equal).
 */
const files = readExamples();
const blocks = files.map((file) => file.query);

/** A text that identifies each example's query, so that renaming or reordering the files does not break the test. */
const examples = {
  visits: "relations(filter: { types: [VISIT]",
  path: 'paths(from: "wagner", to: "assimi-goita")',
  ministry: 'speaker: "russian-foreign-ministry"',
  claims: "claims {",
  asOf: 'asOf: "2021-06-01"',
  search: 'searchActors(query: "goita")',
  quotes: 'searchQuotes(query: "instructeurs"',
  mentions: 'actor(key: "barkhane") { mentionedIn',
  source: 'source(key: "src-004-dw-mali-dit-oui-russie")',
  stats: "stats {",
  ledger: "claims(orderBy: FEWEST_SOURCES)",
  changes: 'changes(from: "2021", to: "2025"',
  knownOn: 'knownOn: "2022-01-01" }',
  lavrov: 'citations(speaker: "sergei-lavrov")',
  live: 'graphChanges(filter: { actors: ["mali"] })',
} as const;

type Name = { name: string };
type PartialDate = { value: string; precision: string } | null;
type Citation = { quote: string; stance?: string; speaker: Name | null };
type Connection<T> = { totalCount: number; edges: { node: T }[] };
type Omission = { reason: string; count: number };

const malianGovernment = "gouvernement de transition";
const russianForeignMinistry = "ministère des Affaires étrangères de la Fédération de Russie";

/** The first day a partial date stands for: 2021 -> 2021-01-01, 2021-05 -> 2021-05-01. */
const firstDayOf = (value: string) => `${value}${"-01-01".slice(value.length - 4)}`;

describe("example queries", () => {
  let db: Database;
  let corpus: SeedCorpus;
  let client: ReturnType<typeof graphqlClient>;

  /** Runs the file of an example, with its variables, against the seeded database; it must answer without errors. */
  const run = async <T>(example: keyof typeof examples): Promise<T> => {
    const found = files.filter((file) => file.query.includes(examples[example]));
    expect(found, `example files of example "${example}"`).toHaveLength(1);
    const response = await client<T>(found[0]?.query ?? "", found[0]?.variables);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    expect(response.data).toBeDefined();
    return response.data as T;
  };

  beforeAll(async () => {
    db = await connectTestDatabase();
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog);
    corpus = await readSeed(seedDir);
    client = graphqlClient(db);
  });
  afterAll(() => db.close());

  it("has one file per example, each a single complete query whose variables the file gives", () => {
    expect(blocks).toHaveLength(Object.keys(examples).length);
    for (const { query: block, variables } of files) {
      const owners = Object.values(examples).filter((marker) => block.includes(marker));
      expect(owners, block).toHaveLength(1);
      const document = parse(block);
      expect(document.definitions, block).toHaveLength(1);
      const [operation] = document.definitions;
      expect(operation?.kind).toBe(Kind.OPERATION_DEFINITION);
      if (operation?.kind === Kind.OPERATION_DEFINITION) {
        expect(operation.operation).toBe(block.includes(examples.live) ? "subscription" : "query");
        const defined = (operation.variableDefinitions ?? []).map((v) => v.variable.name.value);
        expect(defined, block).toEqual(Object.keys(variables ?? {}));
      }
    }
  });

  it("lists the Russian officials' visits to Mali, undated, with their quotes", async () => {
    type Visit = { from: Name & { description: string | null }; at: PartialDate; citations: Citation[] };
    const { relations } = await run<{ relations: Connection<Visit> }>("visits");
    const byVisitor = new Map(relations.edges.map(({ node }) => [node.from.name, node]));
    expect(relations.totalCount).toBe(2);
    expect([...byVisitor.keys()].sort()).toEqual(["Iounous-Bek Ievkourov", "Sergueï Lavrov"]);
    const ievkourov = byVisitor.get("Iounous-Bek Ievkourov");
    expect(ievkourov?.at).toBeNull();
    expect(ievkourov?.citations.some((c) => c.quote.includes("visite officielle à Bamako"))).toBe(true);
    const lavrov = byVisitor.get("Sergueï Lavrov");
    expect(lavrov?.at).toBeNull();
    expect(lavrov?.citations.some((c) => c.quote.includes("se rend au Mali"))).toBe(true);
    expect(lavrov?.citations.some((c) => c.quote.includes("Bamako"))).toBe(true);
  });

  it("walks from Wagner to Goïta, every step cited", async () => {
    type Step = {
      from: Name;
      to: Name;
      relation: { type: string; contested: boolean; citations: Citation[] };
    };
    const { paths, omitted } = (
      await run<{ paths: { paths: { length: number; steps: Step[] }[]; omitted: Omission[] } }>("path")
    ).paths;
    // Only link types are followed; the answer says it left nothing out on the way.
    expect(omitted).toEqual([]);
    expect(paths).toHaveLength(1);
    const steps = paths[0]?.steps ?? [];
    expect(paths[0]?.length).toBe(steps.length);
    expect(steps.length).toBe(2);
    expect(steps[0]?.from.name).toBe("Wagner");
    expect(steps.at(-1)?.to.name).toBe("Assimi Goïta");
    steps.slice(1).forEach((step, index) => {
      expect(step.from.name).toBe(steps[index]?.to.name);
    });
    for (const step of steps) expect(step.relation.citations.length).toBeGreaterThanOrEqual(1);
    expect(steps[0]?.to.name).toBe("Mali");
    expect(steps[0]?.relation).toMatchObject({ type: "DEPLOYMENT", contested: true });
    expect(steps[0]?.relation.citations).toContainEqual(
      expect.objectContaining({ stance: "DENIES", speaker: { name: malianGovernment } }),
    );
    expect(["RISE_TO_POWER", "OFFICE"]).toContain(steps[1]?.relation.type);
  });

  it("shows what the Russian foreign ministry asserts", async () => {
    type Claimed = { type: string; from: Name; to: Name; at: PartialDate; citations: Citation[] };
    const { relations } = await run<{ relations: Connection<Claimed> }>("ministry");
    const spokenByMinistry = corpus.relations.filter((r) =>
      r.citations.some((c) => c.speaker === "russian-foreign-ministry"),
    );
    expect(relations.totalCount).toBe(spokenByMinistry.length);
    expect(relations.edges).toHaveLength(spokenByMinistry.length);
    for (const { node } of relations.edges) {
      expect(node.citations.map((c) => c.speaker?.name)).toContain(russianForeignMinistry);
    }
    const nodes = relations.edges.map((e) => e.node);
    expect(nodes).toContainEqual(
      expect.objectContaining({
        type: "VISIT",
        from: { name: "Assimi Goïta" },
        to: { name: "Russie" },
        at: { value: "2025-06", precision: "MONTH" },
      }),
    );
    expect(nodes).toContainEqual(
      expect.objectContaining({
        type: "MILITARY_COOPERATION",
        from: { name: "Russie" },
        to: { name: "Mali" },
      }),
    );
  });

  it("shows who accuses and who denies each contested relation", async () => {
    type Claim = {
      relation: { type: string; from: Name; to: Name };
      supporting: Citation[];
      denying: Citation[];
    };
    const { claims } = await run<{ claims: Claim[] }>("claims");
    expect(claims).toHaveLength(3);
    for (const claim of claims) {
      expect(claim.supporting.length).toBeGreaterThanOrEqual(1);
      expect(claim.denying.length).toBeGreaterThanOrEqual(1);
      for (const citation of claim.denying) expect(citation.stance).toBe("DENIES");
      for (const citation of claim.supporting) expect(citation.stance).not.toBe("DENIES");
    }
    const wagner = claims.find(
      (c) =>
        c.relation.type === "DEPLOYMENT" &&
        c.relation.from.name === "Wagner" &&
        c.relation.to.name === "Mali",
    );
    expect(wagner?.denying).toContainEqual(
      expect.objectContaining({ stance: "DENIES", speaker: { name: malianGovernment } }),
    );
    expect(wagner?.supporting.filter((c) => c.stance === "ACCUSES").map((c) => c.speaker?.name)).toEqual(
      expect.arrayContaining(["France", "pays occidentaux"]),
    );
    const africaCorps = claims.find((c) => c.relation.from.name === "Africa Corps");
    expect(africaCorps?.relation.type).toBe("ATTACK");
    expect(africaCorps?.denying.map((c) => c.speaker?.name)).toEqual(["Sergueï Lavrov"]);
  });

  it("shows the graph as it stood on 2021-06-01, nothing later and nothing undated", async () => {
    type Edge = { type: string; from: Name; to: Name; at: PartialDate; start: PartialDate; end: PartialDate };
    const { subgraph } = await run<{ subgraph: { nodes: (Name & { kind: string })[]; edges: Edge[] } }>(
      "asOf",
    );
    const asOf = "2021-06-01";
    const names = new Set(subgraph.nodes.map((n) => n.name));
    expect(subgraph.edges.length).toBeGreaterThan(0);
    for (const edge of subgraph.edges) {
      const begins = edge.at ?? edge.start;
      expect(begins, `${edge.type} ${edge.from.name} -> ${edge.to.name} is undated`).not.toBeNull();
      expect(firstDayOf(begins?.value ?? "") <= asOf, `${edge.type} begins after ${asOf}`).toBe(true);
      if (edge.end) {
        expect(edge.end.value >= asOf.slice(0, edge.end.value.length), `${edge.type} ended before`).toBe(
          true,
        );
      }
      expect(names.has(edge.from.name) && names.has(edge.to.name)).toBe(true);
    }
    expect(subgraph.edges.map((e) => e.type).sort()).toEqual([
      "ARMS_SUPPLY",
      "MILITARY_COOPERATION",
      "RISE_TO_POWER",
      "SUCCESSION",
      "SUSPENSION",
    ]);
    expect(subgraph.edges).toContainEqual(
      expect.objectContaining({
        type: "RISE_TO_POWER",
        from: { name: "Assimi Goïta" },
        at: { value: "2021-05", precision: "MONTH" },
      }),
    );
    expect(subgraph.edges).toContainEqual(
      expect.objectContaining({
        type: "SUSPENSION",
        start: { value: "2021-06", precision: "MONTH" },
        end: { value: "2021-07", precision: "MONTH" },
      }),
    );
    expect(subgraph.nodes).toHaveLength(7);
  });

  it("finds Goïta from an unaccented search", async () => {
    type Found = {
      key: string;
      name: string;
      aliases: string[];
      relations: { type: string; to: Name; role: string | null; at: PartialDate }[];
    };
    const { searchActors } = await run<{ searchActors: Connection<Found> }>("search");
    expect(searchActors.totalCount).toBe(1);
    const goita = searchActors.edges[0]?.node;
    expect(goita).toMatchObject({ key: "assimi-goita", name: "Assimi Goïta" });
    expect(goita?.aliases).toContain("Goïta");
    expect(goita?.relations).toContainEqual(
      expect.objectContaining({
        type: "RISE_TO_POWER",
        to: { name: "Mali" },
        at: { value: "2021-05", precision: "MONTH" },
      }),
    );
    expect(goita?.relations).toContainEqual(
      expect.objectContaining({
        type: "VISIT",
        to: { name: "Russie" },
        at: { value: "2025-06", precision: "MONTH" },
      }),
    );
    expect(goita?.relations).toContainEqual(
      expect.objectContaining({ type: "OFFICE", to: { name: "Mali" }, role: "président de la transition" }),
    );
  });

  it("reads the DW article with every quote in its context", async () => {
    type Quoted = {
      stance: string;
      speaker: Name | null;
      relation: { type: string; from: Name; to: Name };
      context: { before: string; quote: string; after: string };
    };
    type Article = {
      title: string;
      author: string;
      published: { value: string; precision: string };
      citations: Quoted[];
    };
    const { source } = await run<{ source: Article }>("source");
    expect(source).toMatchObject({
      title: "Le Mali dit oui à la Russie",
      author: "Mahamadou Kane",
      published: { value: "2021-11-11", precision: "DAY" },
    });
    const text = corpus.sources.find((s) => s.id === "src-004-dw-mali-dit-oui-russie")?.text ?? "";
    const cited = corpus.relations.flatMap((r) =>
      r.citations.filter((c) => c.source === "src-004-dw-mali-dit-oui-russie"),
    );
    expect(source.citations).toHaveLength(cited.length);
    for (const { context } of source.citations) {
      expect(context.quote.length).toBeGreaterThan(0);
      expect(text).toContain(context.before + context.quote + context.after);
    }
    expect(source.citations).toContainEqual(
      expect.objectContaining({
        speaker: { name: "Sergueï Lavrov" },
        relation: { type: "ARMS_SUPPLY", from: { name: "Russie" }, to: { name: "Mali" } },
        context: expect.objectContaining({ quote: expect.stringContaining("des munitions, des armements") }),
      }),
    );
  });

  it("finds every quote saying instructeur or instructeurs, highlighting the word in its source", async () => {
    type Hit = {
      highlights: { start: number; end: number }[];
      mentions: { actor: Name; start: number; end: number }[];
      node: { quote: string; source: { key: string } };
    };
    const { searchQuotes } = await run<{ searchQuotes: Connection<Hit> & { edges: Hit[] } }>("quotes");
    const saying = corpus.relations
      .flatMap((r) => r.citations)
      .filter((c) => /instructeurs?\b/i.test(c.quote));
    expect(searchQuotes.totalCount).toBe(saying.length);
    for (const hit of searchQuotes.edges) {
      const text = Array.from(corpus.sources.find((s) => s.id === hit.node.source.key)?.text ?? "");
      for (const span of hit.highlights) {
        expect(text.slice(span.start, span.end).join("").toLowerCase()).toMatch(/^instructeurs?$/);
      }
    }
  });

  it("lists the sources that mention Barkhane, which its full-text search finds too", async () => {
    type Answer = {
      actor: { mentionedIn: { source: { key: string }; text: string }[] };
      searchSources: { edges: { node: { key: string }; snippets: { text: string }[] }[] };
    };
    const { actor, searchSources } = await run<Answer>("mentions");
    const mentioning = [...corpus.mentions]
      .filter(([, mentions]) => mentions.some((m) => m.actorId === "barkhane"))
      .map(([source]) => source)
      .sort();
    expect([...new Set(actor.mentionedIn.map((m) => m.source.key))]).toEqual(mentioning);
    for (const mention of actor.mentionedIn) expect(mention.text).toMatch(/Barkhane/i);
    expect(searchSources.edges.map((e) => e.node.key).sort()).toEqual(mentioning);
    for (const edge of searchSources.edges) expect(edge.snippets[0]?.text).toMatch(/Barkhane/);
  });

  it("counts actors per kind and relations per type", async () => {
    type Count = { key: string; count: number };
    const { stats } = await run<{ stats: { actorsByKind: Count[]; relationsByType: Count[] } }>("stats");
    const sum = (counts: Count[]) => counts.reduce((total, c) => total + c.count, 0);
    expect(sum(stats.actorsByKind)).toBe(corpus.actors.length);
    expect(sum(stats.relationsByType)).toBe(corpus.relations.length);
    const visits = corpus.relations.filter((r) => r.type === "VISIT").length;
    expect(stats.relationsByType).toContainEqual({ key: "VISIT", count: visits });
    expect(Math.max(...stats.relationsByType.map((c) => c.count))).toBe(visits);
    expect(stats.actorsByKind).toContainEqual({ key: "PERSON", count: 11 });
  });

  it("shows who disputes what with the ledger, fewest sources first, and what answers each claim", async () => {
    type Ledger = {
      sources: number;
      singleSource: boolean;
      assertedOnlyByAParty: boolean;
      stances: { stance: string; citations: number; sources: number; speakers: Name[] }[];
    };
    type Claim = { relation: { type: string; answeredBy: { type: string; from: Name }[] }; ledger: Ledger };
    const { claims } = await run<{ claims: Claim[] }>("ledger");
    const contested = corpus.relations.filter((r) => r.contested);
    expect(claims).toHaveLength(contested.length);
    const sources = claims.map((c) => c.ledger.sources);
    expect(sources).toEqual([...sources].sort((a, b) => a - b));
    const attacks = claims[0];
    expect(attacks?.relation.type).toBe("ATTACK");
    expect(attacks?.ledger.singleSource).toBe(true);
    expect(attacks?.relation.answeredBy).toEqual([{ type: "DENIAL", from: { name: "Sergueï Lavrov" } }]);
    expect(attacks?.ledger.stances.find((s) => s.stance === "DENIES")?.speakers).toEqual([
      { name: "Sergueï Lavrov" },
    ]);
    expect(claims.every((c) => !c.ledger.assertedOnlyByAParty)).toBe(true);
    for (const claim of claims) {
      const seeded = contested.filter((r) => r.type === claim.relation.type);
      expect(seeded.length).toBeGreaterThan(0);
    }
  });

  it("lists what changed around Mali between 2021 and 2025, in time order, each with a quote", async () => {
    type Change = {
      kind: string;
      on: { value: string; precision: string };
      relation: { type: string; from: Name; to: Name };
      citations: { quote: string; source: { key: string } }[];
    };
    const { changes, omitted } = (
      await run<{ changes: { changes: Change[]; omitted: Omission[] } }>("changes")
    ).changes;
    // Mali's relations that have no date and only undated sources can change in no window: counted, not hidden.
    const published = new Map(corpus.sources.map((s) => [s.id, s.published]));
    const never = corpus.relations.filter(
      (r) =>
        (r.from === "mali" || r.to === "mali") &&
        (r.at ?? r.start ?? r.end) === null &&
        r.citations.every((c) => published.get(c.source) == null),
    );
    expect(never.length).toBeGreaterThan(0);
    expect(omitted).toEqual([{ reason: "UNDATED", count: never.length }]);
    const began = corpus.relations.filter(
      (r) =>
        (r.from === "mali" || r.to === "mali") &&
        (r.at ?? r.start ?? "0") >= "2021" &&
        (r.at ?? r.start ?? "9") < "2026",
    );
    expect(changes.filter((c) => c.kind === "BEGAN")).toHaveLength(began.length);
    const dates = changes.map((c) => firstDayOf(c.on.value));
    expect(dates).toEqual([...dates].sort());
    for (const change of changes) {
      expect(change.citations).toHaveLength(1);
      const text = corpus.sources.find((s) => s.id === change.citations[0]?.source.key)?.text;
      expect(text).toContain(change.citations[0]?.quote);
      if (change.kind === "FIRST_REPORTED")
        expect(change.on).toEqual({ value: "2021-11-11", precision: "DAY" });
    }
    expect(changes.map((c) => c.relation.type)).toEqual(
      expect.arrayContaining(["RISE_TO_POWER", "ARMS_SUPPLY"]),
    );
  });

  it("shows what was known on 1 January 2022: DW's article of 11 November 2021 only", async () => {
    type Known = { citations: { quote: string; reportedOn: PartialDate }[] };
    const { relations } = await run<{ relations: Connection<Known> }>("knownOn");
    const dw = corpus.relations.filter((r) =>
      r.citations.some((c) => c.source === "src-004-dw-mali-dit-oui-russie"),
    );
    expect(relations.totalCount).toBe(dw.length);
    const text = corpus.sources.find((s) => s.id === "src-004-dw-mali-dit-oui-russie")?.text;
    for (const { node } of relations.edges) {
      expect(node.citations.length).toBeGreaterThan(0);
      for (const c of node.citations) {
        expect(c.reportedOn).toEqual({ value: "2021-11-11", precision: "DAY" });
        expect(text).toContain(c.quote);
      }
    }
  });

  it("gives Lavrov's own quotes only", async () => {
    type Spoken = { type: string; citations: Citation[] };
    const { relations } = await run<{ relations: Connection<Spoken> }>("lavrov");
    const his = corpus.relations.filter((r) => r.citations.some((c) => c.speaker === "sergei-lavrov"));
    expect(relations.edges.map((e) => e.node.type).sort()).toEqual(his.map((r) => r.type).sort());
    const quotes = relations.edges.flatMap((e) => e.node.citations.map((c) => c.quote)).sort();
    expect(quotes).toEqual(
      his.flatMap((r) => r.citations.filter((c) => c.speaker === "sergei-lavrov").map((c) => c.quote)).sort(),
    );
  });

  // Last: it writes to the graph the examples above read.
  it("delivers a change to Mali to the live example's subscription, over SSE", async () => {
    const editor = generateApiKey("alice", "editor");
    const server = await serveOnLoopback(db, {
      auth: { apiKeys: parseApiKeys(editor.entry), readAccess: "open" },
    });
    try {
      const [file] = files.filter((f) => f.query.includes(examples.live));
      const subscriber = await subscribeSse(server.base, file?.query ?? "");
      const edit = await postGraphQL(
        server.base,
        `mutation { updateActor(input: { key: "mali", description: "État d'Afrique de l'Ouest (exemple en direct)." }) { changeId } }`,
        {},
        editor.key,
      );
      expect(edit.body.errors).toBeUndefined();
      await subscriber.waitFor(1, 10_000);
      subscriber.close();
      const event = subscriber.results[0]?.result.data.graphChanges;
      expect(event.change).toMatchObject({ operation: "updateActor", by: "alice", targets: ["mali"] });
      expect(event.cursor).toEqual(expect.any(String));
    } finally {
      await server.close();
    }
  });
});
