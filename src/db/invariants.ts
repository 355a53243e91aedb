import { nameForms } from "../domain/analysis.js";
import {
  canonicalLanguage,
  keyProblem,
  limits,
  nameProblem,
  repeatedNames,
  textProblem,
} from "../domain/grammar.js";
import { normaliseUrl } from "../domain/source-metadata.js";
import { codePoints, foldedNamesOf, sliceCodePoints } from "../domain/text.js";
import type { Database } from "./database.js";
import { liveCitation } from "./records/citation.js";

/**
 * The graph's invariants, checked on a live database (`npm run check:graph`, and the tests): what the write
 * path promises, verified from what is stored rather than from the code that stored it.
 */

export type InvariantRule =
  /** Every relation has at least one live (not withdrawn) citation. */
  | "cited"
  /** A citation's quote is its source's exact text at its code point offsets, 0 <= start < end <= length. */
  | "verbatim"
  /**
   * No citation, mention, place or history entry points at nothing; a relation joins two actors, two different
   * ones unless it is retracted (a merge moves a retracted relation between its two actors as it is).
   */
  | "linked"
  /** Keys, names, aliases, languages, texts and web addresses follow the input grammar; a folded name has one owner. */
  | "grammar"
  /** A relation is contested exactly when one of its live citations DENIES it. */
  | "contested"
  /** A withdrawn citation says who withdrew it, when and why; a live one has none of the three. */
  | "withdrawn";

export interface Violation {
  rule: InvariantRule;
  /** The key of the record at fault. */
  key: string;
  message: string;
}

export interface GraphCheck {
  /** How many records of each kind were checked. */
  checked: {
    actors: number;
    relations: number;
    citations: number;
    sources: number;
    mentions: number;
    changes: number;
  };
  violations: Violation[];
}

interface Row {
  [field: string]: unknown;
}

/** Reads every record the invariants are about (a handful of queries) and checks them all. */
export async function checkGraph(db: Database): Promise<GraphCheck> {
  const rows = async (cypher: string) => (await db.read(cypher)).records.map((r) => r.toObject() as Row);
  const [actors, relations, citations, sources, mentions, changes] = await Promise.all([
    rows(
      "MATCH (a:Actor) RETURN a.id AS key, a.name AS name, a.aliases AS aliases, a.foldedNames AS folded, a.searchNames AS searchNames",
    ),
    rows(
      `MATCH ()-[r:RELATION]->()
       RETURN r.id AS key, startNode(r):Actor AND endNode(r):Actor AS joinsActors,
              startNode(r) = endNode(r) AND r.retractedAt IS NULL AS liveLoop, r.contested AS contested, COLLECT { MATCH (c:Citation {relationId: r.id}) WHERE ${liveCitation()} RETURN c.stance } AS stances,
              coalesce(r.addresses, []) AS addresses, coalesce(r.placeActorIds, []) AS placeActors`,
    ),
    rows(
      `MATCH (c:Citation)
       RETURN c.id AS key, c.relationId AS relation, c.sourceId AS source, c.speakerId AS speaker,
              c.quote AS quote, c.start AS start, c.end AS end,
              [c.withdrawnAt IS NOT NULL, c.withdrawnBy, c.withdrawalReason] AS withdrawal,
              [(c)-[:IN_SOURCE]->(s) | s.id] AS inSource, [(c)-[:SPOKEN_BY]->(a:Actor) | a.id] AS spokenBy,
              EXISTS { MATCH ()-[r:RELATION {id: c.relationId}]->() } AS hasRelation`,
    ),
    rows(
      `MATCH (s:Source)
       RETURN s.id AS key, s.text AS text, s.language AS language, s.length AS length, s.url AS url`,
    ),
    rows(
      `MATCH (s:Source)-[m:MENTIONS]->(target)
       RETURN s.id AS source, target.id AS target, target:Actor AS toActor, m.starts AS starts, m.ends AS ends`,
    ),
    rows(
      // Intake's proposals are targets too (the decisions on them): those that exist come with the change.
      `MATCH (c:Change) RETURN c.id AS key, c.operation AS operation, c.targets AS targets, c.details AS details,
         COLLECT { MATCH (p:Proposal) WHERE p.id IN c.targets RETURN p.id } AS proposals`,
    ),
  ]);
  const violations: Violation[] = [];
  const fail = (rule: InvariantRule, key: unknown, message: string) =>
    violations.push({ rule, key: String(key), message });
  const grammar = (key: unknown, field: string, problem: string | null) => {
    if (problem) fail("grammar", key, `${field}: ${problem}`);
  };

  const owners = new Map<string, string>();
  for (const actor of actors) {
    grammar(actor.key, "key", keyProblem(String(actor.key)));
    const names = [actor.name, ...((actor.aliases as unknown[]) ?? [])].map(String);
    names.forEach((name, index) => {
      grammar(actor.key, index === 0 ? "name" : `aliases.${index - 1}`, nameProblem(name));
    });
    const aliases = names.slice(1);
    if (aliases.length > limits.aliases)
      fail("grammar", actor.key, `${aliases.length} aliases, more than ${limits.aliases}`);
    for (const [index, earlier] of repeatedNames(aliases)) {
      fail("grammar", actor.key, `alias ${index} repeats alias ${earlier} in its written form`);
    }
    const folded = foldedNamesOf(names);
    if (
      JSON.stringify([...((actor.folded as string[]) ?? [])].sort()) !== JSON.stringify([...folded].sort())
    ) {
      fail("grammar", actor.key, "foldedNames do not match the name and aliases");
    }
    // Search finds an actor by these: stale ones would hide it (src/domain/analysis.ts).
    if (JSON.stringify(actor.searchNames ?? []) !== JSON.stringify(nameForms(names))) {
      fail("grammar", actor.key, "searchNames do not match the name and aliases");
    }
    // Lookups by name read the stored folded names: those must have one owner each.
    for (const name of new Set((actor.folded as string[]) ?? [])) {
      const owner = owners.get(name);
      if (owner !== undefined)
        fail("grammar", actor.key, `name "${name}" is also a name of actor "${owner}"`);
      owners.set(name, String(actor.key));
    }
  }

  const sourcePoints = new Map<string, string[]>();
  for (const source of sources) {
    grammar(source.key, "key", keyProblem(String(source.key)));
    const text = String(source.text ?? "");
    grammar(source.key, "text", textProblem(text, limits.sourceText));
    const language = String(source.language ?? "");
    if (canonicalLanguage(language) !== language)
      fail("grammar", source.key, `language ${JSON.stringify(language)} is not a canonical BCP 47 tag`);
    const url = normaliseUrl(String(source.url ?? ""));
    if (source.url != null && ("problem" in url || url.url !== source.url))
      fail("grammar", source.key, `url ${JSON.stringify(source.url)} is not a normalised http(s) address`);
    const points = codePoints(text);
    if (source.length !== points.length)
      fail("verbatim", source.key, `length ${source.length} but the text has ${points.length} code points`);
    sourcePoints.set(String(source.key), points);
  }

  for (const relation of relations) {
    grammar(relation.key, "key", keyProblem(String(relation.key)));
    const stances = relation.stances as string[];
    if (stances.length === 0) fail("cited", relation.key, "the relation has no live citation");
    if (relation.contested !== stances.includes("DENIES")) {
      fail(
        "contested",
        relation.key,
        `contested is ${relation.contested} but the stances are ${stances.join(", ")}`,
      );
    }
  }

  const actorKeys = new Set(actors.map((a) => String(a.key)));
  const relationKeys = new Set(relations.map((r) => String(r.key)));
  for (const relation of relations) {
    if (!relation.joinsActors) fail("linked", relation.key, "one of its ends is not an actor");
    if (relation.liveLoop) fail("linked", relation.key, "it joins an actor to itself and is not retracted");
    for (const addressed of relation.addresses as string[]) {
      if (!relationKeys.has(addressed))
        fail("linked", relation.key, `addresses "${addressed}", which does not exist`);
    }
    for (const place of relation.placeActors as string[]) {
      if (place !== "" && !actorKeys.has(place))
        fail("linked", relation.key, `its place actor "${place}" does not exist`);
    }
  }
  for (const citation of citations) {
    const key = citation.key;
    if (!citation.hasRelation) fail("linked", key, `its relation "${citation.relation}" does not exist`);
    const inSource = citation.inSource as string[];
    if (inSource.length !== 1 || inSource[0] !== citation.source) {
      fail("linked", key, `cites source "${citation.source}" but is linked to [${inSource.join(", ")}]`);
    }
    const [withdrawn, by, reason] = citation.withdrawal as [boolean, unknown, unknown];
    const said = [by, reason].filter((value) => typeof value === "string" && value.trim() !== "").length;
    if (withdrawn ? said < 2 : by != null || reason != null) {
      fail(
        "withdrawn",
        key,
        withdrawn
          ? "withdrawn without saying who withdrew it and why"
          : "has who withdrew it or why, but no withdrawal time",
      );
    }
    const spokenBy = citation.spokenBy as string[];
    const speaker = citation.speaker == null ? [] : [String(citation.speaker)];
    if (JSON.stringify(spokenBy) !== JSON.stringify(speaker)) {
      fail("linked", key, `speaker "${citation.speaker}" but spoken by [${spokenBy.join(", ")}]`);
    }
    const points = sourcePoints.get(String(citation.source));
    const start = Number(citation.start);
    const end = Number(citation.end);
    if (!points) continue;
    if (
      !(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= points.length)
    ) {
      fail(
        "verbatim",
        key,
        `offsets ${start}-${end} are not within ${citation.source} (${points.length} code points)`,
      );
    } else if (sliceCodePoints(points, start, end) !== citation.quote) {
      fail("verbatim", key, `the quote is not the text of ${citation.source} at ${start}-${end}`);
    }
  }

  for (const mention of mentions) {
    const at = `${mention.source}->${mention.target}`;
    if (!mention.toActor) fail("linked", at, "a mention points at something that is not an actor");
    const points = sourcePoints.get(String(mention.source)) ?? [];
    const starts = mention.starts as number[];
    const ends = mention.ends as number[];
    const within =
      starts.length === ends.length &&
      starts.every((s, i) => 0 <= s && s < (ends[i] ?? -1) && (ends[i] ?? 0) <= points.length);
    if (!within) fail("linked", at, "the mention's offsets are not within its source");
  }

  // A change's targets exist, or were absorbed by a merge (whose history keeps them).
  const absorbed = new Set(
    changes
      .filter((c) => c.operation === "mergeActors")
      .map((c) => (JSON.parse(String(c.details)) as { absorbed?: { id?: string } }).absorbed?.id),
  );
  const existing = new Set([...actorKeys, ...sourcePoints.keys(), ...relations.map((r) => String(r.key))]);
  for (const change of changes) {
    for (const target of change.targets as string[]) {
      if (!existing.has(target) && !absorbed.has(target) && !(change.proposals as string[]).includes(target))
        fail("linked", change.key, `target "${target}" does not exist`);
    }
  }

  return {
    checked: {
      actors: actors.length,
      relations: relations.length,
      citations: citations.length,
      sources: sources.length,
      mentions: mentions.length,
      changes: changes.length,
    },
    violations,
  };
}
