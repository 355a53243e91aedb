import { expect } from "vitest";
import { generateApiKey, parseApiKeys } from "../../src/auth.js";
import type { Database } from "../../src/db/database.js";
import type { NlpService } from "../../src/nlp/service.js";
import { defaultLimits } from "./defaults.js";
import { type GraphQLResponse, graphqlClient } from "./graphql.js";

/**
 * What the tests of article intake share (test/intake.test.ts, test/intake-review.test.ts): a new article, the
 * intake and decision mutations, and a client of the real GraphQL handler over the real database and CoreNLP.
 */

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the tests
export type Data = any;

export const editor = generateApiKey("alice", "editor");
export const reader = generateApiKey("rita", "reader");
const apiKeys = parseApiKeys(`${editor.entry},${reader.entry}`);

/**
 * A new article, written for the tests (not from the seed): a March 2025 dispatch from Bamako. It names actors
 * the graph knows (Mali, Russia, Wagner, Assimi Goïta, Sergueï Lavrov), one it does not (Fatoumata Sangaré,
 * and the news agency), reports speech with « ... » and "a déclaré", a denial ("a démenti"), and restates a
 * relation the seed holds (Wagner deployed in Mali).
 */
export const article =
  "Moscou renforce sa présence au Sahel\n\n" +
  "Bamako, 14 mars 2025 – Le président de la transition malienne, Assimi Goïta, a reçu jeudi à Bamako le " +
  "ministre russe des Affaires étrangères, Sergueï Lavrov, selon un communiqué de la présidence. Les deux " +
  "hommes ont signé un accord de coopération militaire entre le Mali et la Russie.\n\n" +
  "« Nous ne dépendons d’aucune puissance étrangère », a déclaré Fatoumata Sangaré, porte-parole du " +
  "gouvernement malien, devant la presse. Selon l’agence Anadolu, des combattants de Wagner sont toujours " +
  "déployés au Mali. Le gouvernement malien a démenti la présence de mercenaires russes sur son sol.\n\n" +
  "La Russie a livré des hélicoptères de combat au Mali en janvier 2025, a annoncé l’armée malienne. " +
  "Fatoumata Sangaré a accusé la France de soutenir les groupes armés dans le nord du pays.";

export const intakeTextMutation = `mutation ($input: IntakeTextInput!) { intakeText(input: $input) {
  source { key } created intake actors aliases relations citations superseded changeId replayed
  recogniser { ran reason } parse { ran reason }
  proposals { key kind status confidence stage rule name actorKind quote { start end text before after }
    type from { actor { key } proposal { key name } } to { actor { key } proposal { key name } }
    speaker { actor { key } proposal { key name } } stance relation { key } actor { key } alias at start end
    sameAs { key } } } }`;
export const acceptMutation = `mutation ($input: AcceptProposalInput!) { acceptProposal(input: $input) {
  proposal { key status acceptedKey acceptedCitations decidedBy changeId }
  decided { key kind status acceptedKey } actor { key name kind aliases } relation { key type from { key } to { key }
    at { value } start { value } end { value }
    citations(limit: 100) { key quote start end stance speaker { key } source { key } } }
  citations citedExisting createdActors { key name kind } changeId replayed } }`;
export const acceptManyMutation = `mutation ($input: AcceptProposalsInput!) { acceptProposals(input: $input) {
  accepted { proposal { key status acceptedKey } relation { key } citations citedExisting createdActors { key } }
  changeId replayed } }`;
export const rejectMutation = `mutation ($input: RejectProposalInput!) { rejectProposal(input: $input) {
  proposals { key status reason decidedBy } changeId replayed } }`;
export const rejectManyMutation = `mutation ($input: RejectProposalsInput!) { rejectProposals(input: $input) {
  proposals { key status reason decidedBy } changeId replayed } }`;
export const reopenMutation = `mutation ($input: ReopenProposalInput!) { reopenProposal(input: $input) {
  proposals { key status reason } changeId replayed } }`;

/** The end or speaker of a proposal as a known actor's key, or null (a proposed actor, none). */
export const known = (end: Data) => end?.actor?.key ?? null;

/** A GraphQL client of the real handler over `db`, with intake's NLP, and the reads the intake tests compare. */
export function intakeClient(db: Database, nlp: NlpService) {
  const auth = { apiKeys, readAccess: "open" as const };
  const limits = { ...defaultLimits, requestTimeoutMs: 300_000 };
  const request = graphqlClient(db, auth, { limits, nlp });
  /** The answer to `query` sent with `key` (an editor's by default). */
  const send = (query: string, variables: Record<string, unknown> = {}, key = editor.key) =>
    request<Data>(query, variables, key);
  /** The answer's data, after checking it has no error. */
  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await send(query, variables);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  };
  /** The first error, after checking its code. */
  const refused = async (query: string, variables: Record<string, unknown>, code: string) => {
    const response = await send(query, variables);
    expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response.errors)).toBe(code);
    return response.errors?.[0] as NonNullable<GraphQLResponse["errors"]>[number];
  };
  /** How many actors, relations and citations the graph holds. */
  const counts = async () => {
    const { records } = await db.read(
      `CALL () { MATCH (a:Actor) RETURN count(a) AS actors }
       CALL () { MATCH ()-[r:RELATION]->() RETURN count(r) AS relations }
       CALL () { MATCH (c:Citation) RETURN count(c) AS citations }
       RETURN actors, relations, citations`,
    );
    return records[0]?.toObject() as { actors: number; relations: number; citations: number };
  };
  /** The graph without intake's own bookkeeping (proposals, the history): what a decision may change. */
  const facts = async () => {
    const { records } = await db.read(
      `MATCH (n) WHERE n:Actor OR n:Citation OR n:Source
       WITH n ORDER BY n.id WITH collect(properties(n)) AS nodes
       MATCH ()-[r:RELATION]->() WITH nodes, r ORDER BY r.id
       RETURN nodes, collect(properties(r)) AS relations`,
    );
    return JSON.stringify(records[0]?.toObject());
  };
  /** The article taken in through intakeText, `variables` added to its input. */
  const intake = async (variables: Record<string, unknown> = {}) =>
    (
      await ok(intakeTextMutation, {
        input: { text: article, language: "fr", title: "Moscou renforce sa présence", ...variables },
      })
    ).intakeText;
  return { send, ok, refused, counts, facts, intake };
}
