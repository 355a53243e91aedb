import { stringify } from "csv-stringify/sync";
import type { ExportedGraph } from "../db/export.js";

/**
 * The graph in the formats graph tools read. Every relation carries its time qualifiers and its citations
 * (source, exact quote, offsets, speaker, stance), so provenance survives the trip into Gephi or a notebook.
 */

const xml = (value: string) =>
  value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    // XML 1.0 cannot carry most control characters, even escaped.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

const citationsJson = (relation: ExportedGraph["relations"][number]) =>
  JSON.stringify(
    relation.citations.map((c) => ({
      source: c.sourceKey,
      quote: c.quote,
      start: c.start,
      end: c.end,
      speaker: c.speakerKey,
      stance: c.stance,
    })),
  );

const nodeKeys = [
  ["name", "string"],
  ["kind", "string"],
  ["aliases", "string"],
  ["description", "string"],
] as const;
const edgeKeys = [
  ["type", "string"],
  ["role", "string"],
  ["at", "string"],
  ["start", "string"],
  ["end", "string"],
  ["contested", "boolean"],
  ["note", "string"],
  ["citation_count", "int"],
  ["citations", "string"],
] as const;

/** GraphML (Gephi, yEd, networkx): citations as a JSON attribute, aliases joined with " | ". */
export function toGraphML(graph: ExportedGraph): string {
  const data = (key: string, value: string | number | boolean | null) =>
    value === null || value === "" ? "" : `<data key="${key}">${xml(String(value))}</data>`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ...nodeKeys.map(
      ([name, type]) => `  <key id="${name}" for="node" attr.name="${name}" attr.type="${type}"/>`,
    ),
    ...edgeKeys.map(
      ([name, type]) => `  <key id="${name}" for="edge" attr.name="${name}" attr.type="${type}"/>`,
    ),
    '  <graph id="actors" edgedefault="directed">',
    ...graph.actors.map(
      (a) =>
        `    <node id="${xml(a.key)}">${data("name", a.name)}${data("kind", a.kind)}${data("aliases", a.aliases.join(" | "))}${data("description", a.description)}</node>`,
    ),
    ...graph.relations.map(
      (r) =>
        `    <edge id="${xml(r.key)}" source="${xml(r.from)}" target="${xml(r.to)}">${data("type", r.type)}${data("role", r.role)}${data("at", r.at)}${data("start", r.start)}${data("end", r.end)}${data("contested", r.contested)}${data("note", r.note)}${data("citation_count", r.citations.length)}${data("citations", citationsJson(r))}</edge>`,
    ),
    "  </graph>",
    "</graphml>",
    "",
  ];
  return lines.join("\n");
}

/** Cytoscape.js elements JSON: what `cytoscape({ elements })` and Cytoscape desktop load as they are. */
export function toCytoscape(graph: ExportedGraph) {
  return {
    elements: {
      nodes: graph.actors.map((a) => ({
        data: { id: a.key, name: a.name, kind: a.kind, aliases: a.aliases, description: a.description },
      })),
      edges: graph.relations.map((r) => ({
        data: {
          id: r.key,
          source: r.from,
          target: r.to,
          type: r.type,
          role: r.role,
          at: r.at,
          start: r.start,
          end: r.end,
          contested: r.contested,
          note: r.note,
          citations: JSON.parse(citationsJson(r)),
        },
      })),
    },
  };
}

/** Three CSV tables joined by keys: actors, relations, citations. */
export function toCsv(graph: ExportedGraph): { actors: string; relations: string; citations: string } {
  return {
    actors: stringify(
      graph.actors.map((a) => ({
        id: a.key,
        name: a.name,
        kind: a.kind,
        aliases: a.aliases.join(" | "),
        description: a.description ?? "",
      })),
      { header: true },
    ),
    relations: stringify(
      graph.relations.map((r) => ({
        id: r.key,
        type: r.type,
        from: r.from,
        to: r.to,
        role: r.role ?? "",
        at: r.at ?? "",
        at_precision: r.atPrecision ?? "",
        start: r.start ?? "",
        start_precision: r.startPrecision ?? "",
        end: r.end ?? "",
        end_precision: r.endPrecision ?? "",
        contested: r.contested,
        note: r.note ?? "",
      })),
      { header: true, cast: { boolean: (value) => String(value) } },
    ),
    citations: stringify(
      graph.relations.flatMap((r) =>
        r.citations.map((c) => ({
          id: c.key,
          relation_id: r.key,
          source_id: c.sourceKey,
          quote: c.quote,
          start: c.start,
          end: c.end,
          speaker_id: c.speakerKey ?? "",
          stance: c.stance,
        })),
      ),
      { header: true },
    ),
  };
}

/** What each export path serves, for the HTTP surface and the CLI alike. */
export const exportFiles = {
  "graph.graphml": { type: "application/graphml+xml; charset=utf-8", render: toGraphML },
  "graph.cytoscape.json": {
    type: "application/json; charset=utf-8",
    render: (graph: ExportedGraph) => `${JSON.stringify(toCytoscape(graph))}\n`,
  },
  "actors.csv": { type: "text/csv; charset=utf-8", render: (graph: ExportedGraph) => toCsv(graph).actors },
  "relations.csv": {
    type: "text/csv; charset=utf-8",
    render: (graph: ExportedGraph) => toCsv(graph).relations,
  },
  "citations.csv": {
    type: "text/csv; charset=utf-8",
    render: (graph: ExportedGraph) => toCsv(graph).citations,
  },
} as const;

export type ExportFile = keyof typeof exportFiles;
