import { stringify } from "csv-stringify/sync";
import type { ExportedRelation, ExportSource } from "../db/export.js";
import type { ActorRecord } from "../db/records/actor.js";
import type { CitationRecord } from "../db/records/citation.js";
import type { SourceRecord } from "../db/records/source.js";

/**
 * The graph in the formats graph tools read. Every relation carries its time qualifiers and its citations
 * (source, exact quote, offsets, speaker, stance), so provenance survives the trip into Gephi or a notebook.
 * A file is written piece by piece while its records stream out of Neo4j (src/db/export.ts): a head, a piece per
 * actor, a middle, a piece per relation, a tail.
 */

/** The rows every format is made of, values as they are (lists, nulls, booleans); formats pick the columns. */
const actorRow = (a: ActorRecord) => ({
  id: a.key,
  name: a.name,
  kind: a.kind,
  aliases: a.aliases,
  description: a.description,
});
const sourceRow = (s: SourceRecord) => ({
  id: s.key,
  title: s.title,
  publisher: s.publisher,
  author: s.author,
  published: s.published,
  published_precision: s.publishedPrecision,
  language: s.language,
  url: s.url,
  retrieved_on: s.retrievedOn,
  file: s.file,
  length: s.length,
});
const citationRow = (c: CitationRecord) => ({
  id: c.key,
  relation_id: c.relationKey,
  source_id: c.sourceKey,
  quote: c.quote,
  start: c.start,
  end: c.end,
  speaker_id: c.speakerKey,
  stance: c.stance,
});
const relationRow = (r: ExportedRelation) => ({
  id: r.key,
  type: r.type,
  from: r.from,
  to: r.to,
  role: r.role,
  at: r.at,
  at_precision: r.atPrecision,
  start: r.start,
  start_precision: r.startPrecision,
  end: r.end,
  end_precision: r.endPrecision,
  contested: r.contested,
  note: r.note,
  // The relations this one answers or is about (a denial: what it denies), by key; their answers are the
  // relations whose addresses hold their key.
  addresses: r.addresses,
  places: r.placeNames,
  place_actor_ids: r.placeActorIds.filter((key) => key !== ""),
  citations: r.citations.map(citationRow),
});
type RelationRow = ReturnType<typeof relationRow>;

/** A column: a row field, or [its name in the file, the row field]. */
type Column<Row> = (keyof Row & string) | readonly [string, keyof Row & string];
const pick = <Row>(row: Row, columns: readonly Column<Row>[]) =>
  Object.fromEntries(columns.map((c) => (typeof c === "string" ? [c, row[c]] : [c[0], row[c[1]]])));

/** A relation's citations as GraphML and Cytoscape carry them, inside the relation. */
const citedColumns: readonly Column<ReturnType<typeof citationRow>>[] = [
  ["source", "source_id"],
  "quote",
  "start",
  "end",
  ["speaker", "speaker_id"],
  "stance",
];
const cited = (row: RelationRow) => row.citations.map((c) => pick(c, citedColumns));

/** A value as flat text (CSV cells, GraphML data): a list joined with " | ", nothing for null. */
const flat = (value: unknown) =>
  value === null || value === undefined ? "" : Array.isArray(value) ? value.join(" | ") : String(value);

const xml = (value: string) =>
  value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    // XML 1.0 cannot carry most control characters, even escaped.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

/** One export file: its media type, and its text piece by piece. */
export interface ExportFormat {
  type: string;
  /** Text before the actors, between the actors and the relations, and after the relations. */
  head: string;
  middle: string;
  tail: string;
  /** An actor's text (`index` counts from 0); absent when the file holds no actors, which are then not read. */
  actor?: (actor: ActorRecord, index: number) => string;
  /** A relation's text, likewise. */
  relation?: (relation: ExportedRelation, index: number) => string;
  /** A source's text, after the relations, likewise. */
  source?: (source: SourceRecord, index: number) => string;
  /** Whether the relations are read with their citations: every one of them, since an export is the whole record. */
  citations: boolean;
}

/**
 * GraphML attributes and their types: a node's are actor fields; an edge's, relation fields and three more.
 * Gephi's importer takes the attributes named `label` as the node and edge labels and `weight` as the edge
 * weight (here the relation's number of citations); every other attribute becomes a column.
 */
const graphmlKeys = {
  node: { label: "string", name: "string", kind: "string", aliases: "string", description: "string" },
  edge: {
    label: "string",
    type: "string",
    role: "string",
    at: "string",
    at_precision: "string",
    start: "string",
    start_precision: "string",
    end: "string",
    end_precision: "string",
    contested: "boolean",
    note: "string",
    weight: "double",
    addresses: "string",
    places: "string",
    place_actor_ids: "string",
    citations: "string",
  },
} as const;

/** A GraphML node or edge: its attributes as `<data>`, empty ones left out. */
const graphmlElement = (
  tag: keyof typeof graphmlKeys,
  attributes: Record<string, string>,
  values: Record<string, unknown>,
) => {
  const head = Object.entries(attributes)
    .map(([name, value]) => `${name}="${xml(value)}"`)
    .join(" ");
  const data = Object.keys(graphmlKeys[tag])
    .map((key) => {
      const value = flat(values[key]);
      return value === "" ? "" : `<data key="${key}">${xml(value)}</data>`;
    })
    .join("");
  return `    <${tag} ${head}>${data}</${tag}>\n`;
};

/** GraphML (Gephi, yEd, networkx): citations as a JSON attribute, aliases joined with " | ". */
const graphml: ExportFormat = {
  type: "application/graphml+xml; charset=utf-8",
  head: [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ...Object.entries(graphmlKeys).flatMap(([tag, keys]) =>
      Object.entries(keys).map(
        ([name, type]) => `  <key id="${name}" for="${tag}" attr.name="${name}" attr.type="${type}"/>`,
      ),
    ),
    '  <graph id="actors" edgedefault="directed">',
    "",
  ].join("\n"),
  actor: (a) => graphmlElement("node", { id: a.key }, { ...actorRow(a), label: a.name }),
  middle: "",
  relation: (r) => {
    const row = relationRow(r);
    return graphmlElement(
      "edge",
      { id: row.id, source: row.from, target: row.to },
      { ...row, label: row.type, weight: row.citations.length, citations: JSON.stringify(cited(row)) },
    );
  },
  tail: "  </graph>\n</graphml>\n",
  citations: true,
};

const cytoscapeEdge: readonly Column<RelationRow>[] = [
  "id",
  ["source", "from"],
  ["target", "to"],
  "type",
  "role",
  "at",
  "start",
  "end",
  "contested",
  "note",
  "addresses",
  "places",
  "place_actor_ids",
];
/** An element of a JSON array, with the comma before every one but the first. */
const jsonElement = (value: unknown, index: number) => `${index > 0 ? "," : ""}${JSON.stringify(value)}`;

/** Cytoscape.js elements JSON: what `cytoscape({ elements })` and Cytoscape desktop load as they are. */
const cytoscape: ExportFormat = {
  type: "application/json; charset=utf-8",
  head: '{"elements":{"nodes":[',
  actor: (a, index) => jsonElement({ data: actorRow(a) }, index),
  middle: '],"edges":[',
  relation: (r, index) => {
    const row = relationRow(r);
    return jsonElement({ data: { ...pick(row, cytoscapeEdge), citations: cited(row) } }, index);
  },
  tail: "]}}\n",
  citations: true,
};

/** One CSV line of flat values. */
const csvLine = (values: readonly unknown[]) => stringify([values.map(flat)]);
const csvRow = <Row>(row: Row, columns: readonly (keyof Row & string)[]) =>
  csvLine(columns.map((column) => row[column]));
const csv = { type: "text/csv; charset=utf-8", middle: "", tail: "" };
const actorColumns = ["id", "name", "kind", "aliases", "description"] as const;
const relationColumns = [
  "id",
  "type",
  "from",
  "to",
  "role",
  "at",
  "at_precision",
  "start",
  "start_precision",
  "end",
  "end_precision",
  "contested",
  "note",
  "addresses",
  "places",
  "place_actor_ids",
] as const;
const sourceColumns = [
  "id",
  "title",
  "publisher",
  "author",
  "published",
  "published_precision",
  "language",
  "url",
  "retrieved_on",
  "file",
  "length",
] as const;
const citationColumns = [
  "id",
  "relation_id",
  "source_id",
  "quote",
  "start",
  "end",
  "speaker_id",
  "stance",
] as const;

/** What each export path serves, for the HTTP surface and the CLI alike; the CSV tables join by keys. */
export const exportFiles: Record<string, ExportFormat> = {
  "graph.graphml": graphml,
  "graph.cytoscape.json": cytoscape,
  "actors.csv": {
    ...csv,
    head: csvLine(actorColumns),
    actor: (a) => csvRow(actorRow(a), actorColumns),
    citations: false,
  },
  "relations.csv": {
    ...csv,
    head: csvLine(relationColumns),
    relation: (r) => csvRow(relationRow(r), relationColumns),
    citations: false,
  },
  "citations.csv": {
    ...csv,
    head: csvLine(citationColumns),
    relation: (r) =>
      relationRow(r)
        .citations.map((c) => csvRow(c, citationColumns))
        .join(""),
    citations: true,
  },
  "sources.csv": {
    ...csv,
    head: csvLine(sourceColumns),
    source: (s) => csvRow(sourceRow(s), sourceColumns),
    citations: false,
  },
};

/** Whether `format` is a CSV table, which `withByteOrderMark` may start with a byte-order mark. */
export const isCsv = (format: ExportFormat) => format.type.startsWith("text/csv");

/**
 * `format` with a UTF-8 byte-order mark before its text: Excel reads a CSV as UTF-8 (accents intact) only with
 * one, while most other tools take it as part of the first column's name, so it is asked for (`bom=1`).
 */
export const withByteOrderMark = (format: ExportFormat): ExportFormat => ({
  ...format,
  head: `\uFEFF${format.head}`,
});

/** Characters (UTF-16 code units) gathered before a chunk is handed on: few writes, each of them small. */
const chunkChars = 64 * 1024;

/** The pieces of `format`, reading each record from `source` only when the next piece is asked for. */
async function* pieces(format: ExportFormat, source: ExportSource): AsyncGenerator<string> {
  yield format.head;
  let index = 0;
  if (format.actor) for await (const actor of source.actors()) yield format.actor(actor, index++);
  yield format.middle;
  index = 0;
  if (format.relation) {
    for await (const relation of source.relations(format.citations)) yield format.relation(relation, index++);
  }
  index = 0;
  if (format.source) for await (const s of source.sources()) yield format.source(s, index++);
  yield format.tail;
}

/**
 * The text of `format` read from `source`, in chunks of about `chunkChars` (one record may make a chunk
 * longer). Records are read as chunks are asked for, so memory holds one chunk and one batch of records
 * whatever the graph's size. The source is closed when the text ends, fails, or is abandoned.
 */
export async function* exportText(format: ExportFormat, source: ExportSource): AsyncGenerator<string> {
  try {
    let chunk = "";
    for await (const piece of pieces(format, source)) {
      chunk += piece;
      if (chunk.length >= chunkChars) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk.length > 0) yield chunk;
  } finally {
    source.close();
  }
}
