import { execute, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Authenticator } from "../src/api-keys.js";
import type { Database } from "../src/db/database.js";
import { createContext } from "../src/graphql/create-context.js";
import { projectionOf } from "../src/graphql/projection.js";
import { schema } from "../src/graphql/schema.js";
import { readExamples } from "../src/http/examples.js";
import { quietLog } from "./support/db.js";
import { defaultLimits } from "./support/defaults.js";
import { graphqlClient } from "./support/graphql.js";
import { seededDatabase } from "./support/server.js";

/**
 * Reads bring back only the record properties the document selects (src/graphql/projection.ts): a lean read
 * must answer exactly what a read of whole records answers, whichever paths reach the same records.
 */

/**
 * The example queries of examples/ (GraphiQL's tabs, the README's and docs/examples.md's blocks); the live
 * example is a subscription, whose events test/readme-examples.test.ts follows over SSE.
 */
const exampleDocuments = readExamples()
  .filter(
    ({ query }) =>
      !parse(query).definitions.some(
        (d) => d.kind === "OperationDefinition" && d.operation === "subscription",
      ),
  )
  .map(({ query, variables }) => ({ query, variables }));

/** Documents where one record is reached by paths that select different fields, or a field reads more than its name. */
const mixedPaths = [
  // The same actors as bare nodes of a neighbourhood, then with every field through the relations' ends.
  `{ neighbourhood(actor: "mali", depth: 1) { nodes { key } edges { key } }
     relations(first: 30, filter: { actor: "mali" }) { edges { node { key type role note contested
       at { value precision earliest latest } start { value precision } end { value precision }
       retraction { at } places { name actor { key } } addresses { key } timelineDate { basis date { value } }
       from { key name kind aliases description } to { ... on Actor { name description } } } } } }`,
  // Partial dates selected alone must bring their precision.
  `{ actor(key: "mali") { relations(limit: 40) { key start { value precision } end { precision } at { latest } } } }`,
  // A citation filter reads speakers and stances the selection does not name.
  `{ actor(key: "russia") { relations(limit: 40) { key citations(speaker: "sergei-lavrov", stances: [DENIES, ASSERTS]) { quote } } } }`,
  // A citation's report date reads its source's publication date; knownOn reads it too.
  `{ relations(first: 20, filter: { knownOn: "2022-01-01" }) { edges { node { key
       citations(knownOn: "2022-01-01") { reportedOn { value precision } source { key } } } } }
     sources(first: 5) { edges { node { key title publisher author published { value precision } language url retrievedOn length file } } } }`,
  // Paths: steps' ends and forward read the relation's ends; the ends themselves select little.
  `{ paths(from: "wagner", to: "assimi-goita", all: true) { paths { length steps { forward from { key } to { name }
       relation { key type citations(limit: 2) { key context(chars: 20) { before quote after } } } } } } }`,
  // A relation's ends: read only where selected, or where the read fetches the end actors (one end alone, each
  // end through a different path, steps that walk them without selecting them).
  `{ actor(key: "mali") { relations(limit: 40) { key to { key } } }
     neighbourhood(actor: "russia", depth: 2) { edges { key from { name } } } }`,
  `{ neighbourhood(actor: "mali", depth: 2) { edges { key type } }
     actor(key: "wagner") { relations(limit: 40) { key from { key } } } }`,
  `{ paths(from: "wagner", to: "mali", all: true) { paths { steps { forward relation { key } } } }
     relations(first: 10, filter: { actor: "mali" }) { edges { node { key } } } }`,
  // Relation pages and claims read the ends' actors only when a relation's end is selected.
  `{ relations(first: 30, filter: { actor: "mali" }) { edges { node { key type } } }
     claims { relation { key to { key name } } supporting { quote } } }`,
  `{ claims { relation { key from { key } } } relations(first: 30) { edges { node { key to { key } } } } }`,
  // A citation's source: from its key alone, or read where anything else of a source is selected, or where
  // knownOn (alone: no field names the date) compares the sources' dates.
  `{ actor(key: "russia") { relations(limit: 40) { key citations(limit: 3) { quote source { key id } } } } }`,
  `{ actor(key: "russia") { relations(limit: 40) { key citations(limit: 3) { source { key } } } }
     relations(first: 5) { edges { node { citations { source { title } } } } } }`,
  `{ relations(first: 40) { edges { node { key citations(knownOn: "2021-12") { key source { key } } } } } }`,
  `{ sources(first: 3) { edges { node { key citations(limit: 5, knownOn: "2022") { key source { key } } } } } }`,
  // Fragments on the actor kinds, and global ids.
  `{ actors(first: 50) { edges { node { id key ... on Person { name aliases } ... on State { description } } } } }`,
];

describe("projections of the records", () => {
  let db: Database;
  let client: ReturnType<typeof graphqlClient>;
  beforeAll(async () => {
    db = await seededDatabase();
    client = graphqlClient(db);
  });
  afterAll(async () => {
    await db.close();
  });

  it("reads only what a two-hop neighbourhood of keys and names selects", () => {
    const projection = projectionOf(
      schema,
      parse(`{ neighbourhood(actor: "mali", depth: 2) { nodes { key name } edges { key type } } }`),
    );
    expect(projection).toEqual({
      actor: ["key", "name", "kind"],
      relation: ["key", "type"],
      citation: ["key", "relationKey", "sourceKey", "speakerKey", "stance"],
      source: ["key"],
    });
  });

  it("reads a date's precision with the date, and the properties a field declares", () => {
    const projection = projectionOf(
      schema,
      parse(
        `{ relations(first: 1) { edges { node { start { value } places { name } retraction { at } } } } }`,
      ),
    );
    expect(projection.relation).toEqual([
      "key",
      "type",
      "start",
      "startPrecision",
      "placeNames",
      "placeActorIds",
      "retractedAt",
      "retractedBy",
      "retractionReason",
    ]);
  });

  it.each(
    [...exampleDocuments, ...mixedPaths.map((query) => ({ query, variables: undefined }))].map(
      ({ query, variables }, i) => [i, query, variables] as const,
    ),
  )("document %i answers the same as with whole records", async (_i, document, variables) => {
    const lean = await client(document, variables);
    expect(lean.errors).toBeUndefined();
    // Executed without the server's plugins, the context keeps whole records.
    const whole = await execute({
      schema,
      document: parse(document),
      variableValues: variables,
      contextValue: await createContext(
        db,
        new Authenticator(db, { apiKeys: [], readAccess: "open" }, quietLog),
        defaultLimits,
        new Headers(),
      ),
    });
    expect(whole.errors).toBeUndefined();
    expect(JSON.parse(JSON.stringify(lean.data))).toEqual(JSON.parse(JSON.stringify(whole.data)));
    expect(JSON.stringify(lean.data).length).toBeGreaterThan(20);
  });
});
