import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import cytoscape from "cytoscape";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { projectRoot } from "../src/config.js";
import type { Database } from "../src/db/database.js";
import { seededDatabase, serveOnLoopback } from "./support/server.js";

const run = (file: string, args: string[], env: Record<string, string> = {}, input?: string) =>
  new Promise<string>((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: projectRoot, env: { ...process.env, ...env } },
      (error, stdout, stderr) => (error ? reject(new Error(`${file} failed: ${stderr}`)) : resolve(stdout)),
    );
    if (input !== undefined) child.stdin?.end(input);
  });

/** Each export is read back by a real parser of its format and must hold what the database holds. */
describe("exports for graph tools", () => {
  let db: Database;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let base: string;
  let counts: { actors: number; relations: number; citations: number };

  beforeAll(async () => {
    db = await seededDatabase();
    const { records } = await db.read(
      `CALL () { MATCH (a:Actor) RETURN count(a) AS actors }
       CALL () { MATCH ()-[r:RELATION]->() WHERE r.retractedAt IS NULL RETURN count(r) AS relations }
       CALL () { MATCH (c:Citation) RETURN count(c) AS citations }
       RETURN actors, relations, citations`,
    );
    counts = records[0]?.toObject() as typeof counts;
    served = await serveOnLoopback(db);
    base = served.base;
  });
  afterAll(async () => {
    await served.close();
    await db.close();
  });

  const download = async (name: string) => {
    const response = await fetch(`${base}/export/${name}`);
    expect(response.status).toBe(200);
    return { type: response.headers.get("content-type"), text: await response.text() };
  };

  it("GraphML reads back in networkx with every node, edge, time qualifier and citation", async () => {
    const { type, text } = await download("graph.graphml");
    expect(type).toMatch(/graphml/);
    const script = `
import json, sys, networkx as nx
g = nx.read_graphml(sys.stdin.buffer)
edge = next(d for _, _, d in g.edges(data=True) if d.get("type") == "VISIT" and d.get("at") == "2021-11-11")
print(json.dumps({"nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
  "citations": sum(len(json.loads(d["citations"])) for _, _, d in g.edges(data=True)),
  "visit": edge, "directed": g.is_directed(), "goita": g.nodes["assimi-goita"]["name"]}))`;
    const result = JSON.parse(await run("/usr/bin/python3", ["-c", script], {}, text));
    expect(result).toMatchObject({
      nodes: counts.actors,
      edges: counts.relations,
      citations: counts.citations,
      directed: true,
    });
    expect(result.goita).toBe("Assimi Goïta");
    expect(JSON.parse(result.visit.citations)[0]).toMatchObject({
      source: "src-004-dw-mali-dit-oui-russie",
      stance: "REPORTS",
    });
  });

  it("Cytoscape.js JSON loads into a headless Cytoscape as it is", async () => {
    const { text } = await download("graph.cytoscape.json");
    const cy = cytoscape({ headless: true, elements: JSON.parse(text).elements });
    expect(cy.nodes().length).toBe(counts.actors);
    expect(cy.edges().length).toBe(counts.relations);
    const wagner = cy.getElementById("rel-wagner-deployment-mali");
    expect(wagner.data("contested")).toBe(true);
    expect(wagner.source().id()).toBe("wagner");
    expect(wagner.data("citations").map((c: { stance: string }) => c.stance)).toContain("DENIES");
  });

  it("CSV tables parse with the same counts, and every quote is its source's exact slice", async () => {
    const table = async (name: string) =>
      parse((await download(name)).text, { columns: true }) as Record<string, string>[];
    const actors = await table("actors.csv");
    const relations = await table("relations.csv");
    const citations = await table("citations.csv");
    expect([actors.length, relations.length, citations.length]).toEqual([
      counts.actors,
      counts.relations,
      counts.citations,
    ]);
    const { records } = await db.read("MATCH (s:Source) RETURN s.id AS id, s.text AS text");
    const texts = new Map(records.map((r) => [r.get("id"), Array.from(r.get("text") as string)]));
    for (const c of citations) {
      expect(texts.get(c.source_id)?.slice(Number(c.start), Number(c.end)).join(""), c.id).toBe(c.quote);
    }
    const relationIds = new Set(relations.map((r) => r.id));
    expect(citations.every((c) => relationIds.has(c.relation_id as string))).toBe(true);
    expect(relations.find((r) => r.id === "rel-goita-rise-to-power-mali")).toMatchObject({
      at: "2021-05",
      at_precision: "MONTH",
    });
  });

  it("writes the same files from the CLI", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "export-"));
    try {
      await run(path.join(projectRoot, "node_modules/.bin/tsx"), ["src/export/cli.ts", dir], {
        NEO4J_URI: inject("neo4jUri"),
        NEO4J_PASSWORD: inject("neo4jPassword"),
      });
      for (const name of [
        "graph.graphml",
        "graph.cytoscape.json",
        "actors.csv",
        "relations.csv",
        "citations.csv",
      ]) {
        expect(await readFile(path.join(dir, name), "utf8"), name).toBe((await download(name)).text);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("answers 404 for an unknown export", async () => {
    expect((await fetch(`${base}/export/graph.xlsx`)).status).toBe(404);
  });
});
