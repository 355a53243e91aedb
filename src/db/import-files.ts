import { createWriteStream, type WriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { assertKnownProperties, type PropertyTable, propertyColumns } from "./properties.js";
import type { ActorRow, CitationRow, RelationRow, SourceRow } from "./seed-store.js";

/**
 * The input of Neo4j's offline importer for the graph model (schema/MODEL.md): one CSV data file and one
 * header file per node label and relationship type, written from the same rows (src/seed/rows.ts) that the
 * transactional writes (./writes.ts) send as parameters, so that an imported record has exactly the labels,
 * properties and property types of a written one. Every value is quoted (a quote doubled inside); a missing
 * or null property is an empty field, which the importer leaves out, as `SET n = row.props` leaves out nulls.
 */

/**
 * Separates array items. The grammar refuses control characters in names and aliases (the only arrays
 * written), so U+001F never occurs inside an item.
 */
export const arrayDelimiter = "\u001f";

const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** One CSV data file; it remembers whether a value spans lines (the importer must be told) and the longest. */
class DataFile {
  readonly stream: WriteStream;
  multiline = false;
  longestBytes = 0;
  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { highWaterMark: 1 << 20 });
  }
  /** Appends lines; resolves once the stream can take more, so memory stays bounded. */
  async write(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    if (!this.stream.write(`${lines.join("\n")}\n`)) {
      await new Promise<void>((resolve) => this.stream.once("drain", resolve));
    }
  }
  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}

/** What an importer run reads: `--nodes` and `--relationships` arguments, and the options they need. */
export interface ImportFileSet {
  args: string[];
  /** Actors without aliases: an empty list is an empty field, which the importer leaves out; set after. */
  emptyAliases: string[];
}

/**
 * Writes the importer's input into `dir` as rows arrive. Rows must satisfy the model: a property the columns
 * above do not know, or of another type, is a bug in this file or in src/seed/rows.ts and fails loudly rather
 * than be dropped.
 */
export class ImportFiles {
  private readonly files: Record<PropertyTable | "IN_SOURCE" | "SPOKEN_BY", DataFile>;
  private readonly emptyAliases: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly origin: string,
  ) {
    const open = (name: string) => new DataFile(path.join(dir, `${name}.csv`));
    this.files = {
      Actor: open("actors"),
      Source: open("sources"),
      Citation: open("citations"),
      RELATION: open("relations"),
      IN_SOURCE: open("in-source"),
      SPOKEN_BY: open("spoken-by"),
    };
  }

  /** The CSV fields of a row's `props` in the columns' order, `id` and `origin` first. */
  private fields(table: PropertyTable, id: string, props: Record<string, unknown>): string[] {
    const file = this.files[table];
    const known: Record<string, unknown> = propertyColumns[table];
    assertKnownProperties(table, id, props);
    const row = [quoted(id), quoted(this.origin)];
    for (const property of Object.keys(known)) {
      const value = props[property];
      if (value === null || value === undefined) row.push("");
      else if (Array.isArray(value)) {
        if (value.length === 0) {
          if (table !== "Actor" || property !== "aliases")
            throw new Error(`import: empty ${table}.${property}`);
          this.emptyAliases.push(id);
        }
        // Not known to survive the importer's array parsing as an item (a place that is no actor's is ""):
        // refused rather than risk a graph that differs from a transactional load.
        if (value.some((item) => item === "")) {
          throw new Error(
            `import: ${table}.${property} of ${id} holds an empty item; load it transactionally`,
          );
        }
        row.push(quoted(value.join(arrayDelimiter)));
      } else if (typeof value === "string") {
        if (value.includes("\n") || value.includes("\r")) file.multiline = true;
        file.longestBytes = Math.max(file.longestBytes, value.length * 3);
        row.push(quoted(value));
      } else row.push(String(value));
    }
    return row;
  }

  async actors(rows: readonly ActorRow[]): Promise<void> {
    await this.files.Actor.write(rows.map((r) => this.fields("Actor", r.id, r.props).join(",")));
  }

  async sources(rows: readonly SourceRow[]): Promise<void> {
    await this.files.Source.write(rows.map((r) => this.fields("Source", r.id, r.props).join(",")));
  }

  async relations(relations: readonly RelationRow[], citations: readonly CitationRow[]): Promise<void> {
    await this.files.RELATION.write(
      relations.map((r) =>
        [quoted(r.from), quoted(r.to), ...this.fields("RELATION", r.id, r.props)].join(","),
      ),
    );
    await this.files.Citation.write(citations.map((c) => this.fields("Citation", c.id, c.props).join(",")));
    await this.files.IN_SOURCE.write(citations.map((c) => `${quoted(c.id)},${quoted(c.sourceId)}`));
    await this.files.SPOKEN_BY.write(
      citations.flatMap((c) => (c.speakerId === null ? [] : [`${quoted(c.id)},${quoted(c.speakerId)}`])),
    );
  }

  /** Closes the data files, writes the header files and returns the importer's arguments. */
  async finish(): Promise<ImportFileSet> {
    await Promise.all(Object.values(this.files).map((f) => f.close()));
    const header = (table: PropertyTable) =>
      Object.entries(propertyColumns[table]).map(([name, type]) =>
        type === "string" ? name : `${name}:${type}`,
      );
    const inputs: [string, "nodes" | "relationships", string[]][] = [
      ["Actor", "nodes", ["id:ID(Actor)", "origin", ...header("Actor")]],
      ["Source", "nodes", ["id:ID(Source)", "origin", ...header("Source")]],
      ["Citation", "nodes", ["id:ID(Citation)", "origin", ...header("Citation")]],
      [
        "RELATION",
        "relationships",
        [":START_ID(Actor)", ":END_ID(Actor)", "id", "origin", ...header("RELATION")],
      ],
      ["IN_SOURCE", "relationships", [":START_ID(Citation)", ":END_ID(Source)"]],
      ["SPOKEN_BY", "relationships", [":START_ID(Citation)", ":END_ID(Actor)"]],
    ];
    const args: string[] = [];
    for (const [name, kind, fields] of inputs) {
      const data = this.files[name as keyof typeof this.files].file;
      const headerFile = data.replace(/\.csv$/, "-header.csv");
      await writeFile(headerFile, `${fields.join(",")}\n`);
      args.push(`--${kind}=${name}=${headerFile},${data}`);
    }
    const multiline = Object.values(this.files)
      .filter((f) => f.multiline)
      .map((f) => f.file);
    const longest = Math.max(...Object.values(this.files).map((f) => f.longestBytes));
    return {
      args: [
        ...args,
        "--id-type=string",
        `--array-delimiter=U+${arrayDelimiter.codePointAt(0)?.toString(16).padStart(4, "0").toUpperCase()}`,
        // Input that the shared validation let through has no bad entry: any is a bug, and stops the import.
        "--bad-tolerance=0",
        "--skip-bad-relationships=false",
        "--skip-duplicate-nodes=false",
        "--strict=true",
        // The buffer must hold the longest value (a source's text may reach 4 MB of UTF-8).
        `--read-buffer-size=${Math.max(4 << 20, 2 * longest + (1 << 20))}`,
        ...(multiline.length > 0
          ? ["--multiline-fields-format=v2", `--multiline-fields=${multiline.join(",")}`]
          : []),
        `--report-file=${path.join(this.dir, "import.report")}`,
      ],
      emptyAliases: this.emptyAliases,
    };
  }
}
