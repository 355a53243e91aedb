import { once } from "node:events";
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

/** The importer's data files: a node label, a relationship type, or one of the citations' relationships. */
export type ImportFileName = PropertyTable | "IN_SOURCE" | "SPOKEN_BY";
const fileNames: Record<ImportFileName, string> = {
  Actor: "actors",
  Source: "sources",
  Citation: "citations",
  RELATION: "relations",
  IN_SOURCE: "in-source",
  SPOKEN_BY: "spoken-by",
};

/**
 * Rows made CSV lines for the importer, plain data (strings and numbers) that a worker thread can hand over:
 * per data file, its new lines joined, and whether a value spans lines (the importer must be told).
 */
export interface ImportChunk {
  text: Partial<Record<ImportFileName, string>>;
  multiline: ImportFileName[];
  /** Longest value so far, in bytes at most (UTF-16 units × 3): the importer's read buffer must hold it. */
  longestBytes: number;
  /** Actors without aliases: an empty list is an empty field, which the importer leaves out; set after. */
  emptyAliases: string[];
}

/**
 * Makes the CSV lines of rows, in memory and without I/O, so that it runs on a worker thread as well. Rows
 * must satisfy the model: a property the columns (./properties.ts) do not know, or of another type, is a bug
 * in src/seed/rows.ts and fails loudly rather than be dropped.
 */
export class ImportLines {
  /** Per file, its lines joined, one piece per call. */
  private lines: Partial<Record<ImportFileName, string[]>> = {};
  private multiline = new Set<ImportFileName>();
  private longestBytes = 0;
  private emptyAliases: string[] = [];

  constructor(private readonly origin: string) {}

  private add(file: ImportFileName, lines: string[]): void {
    if (lines.length === 0) return;
    const pieces = this.lines[file] ?? [];
    pieces.push(lines.join("\n"));
    this.lines[file] = pieces;
  }

  /** The CSV fields of a row's `props` in the columns' order, `id` and `origin` first. */
  private fields(table: PropertyTable, id: string, props: Record<string, unknown>): string[] {
    assertKnownProperties(table, id, props);
    const row = [quoted(id), quoted(this.origin)];
    for (const property of Object.keys(propertyColumns[table])) {
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
        if (value.includes("\n") || value.includes("\r")) this.multiline.add(table);
        this.longestBytes = Math.max(this.longestBytes, value.length * 3);
        row.push(quoted(value));
      } else row.push(String(value));
    }
    return row;
  }

  actors(rows: readonly ActorRow[]): void {
    this.add(
      "Actor",
      rows.map((r) => this.fields("Actor", r.id, r.props).join(",")),
    );
  }

  sources(rows: readonly SourceRow[]): void {
    this.add(
      "Source",
      rows.map((r) => this.fields("Source", r.id, r.props).join(",")),
    );
  }

  relations(relations: readonly RelationRow[], citations: readonly CitationRow[]): void {
    this.add(
      "RELATION",
      relations.map((r) =>
        [quoted(r.from), quoted(r.to), ...this.fields("RELATION", r.id, r.props)].join(","),
      ),
    );
    this.add(
      "Citation",
      citations.map((c) => this.fields("Citation", c.id, c.props).join(",")),
    );
    this.add(
      "IN_SOURCE",
      citations.map((c) => `${quoted(c.id)},${quoted(c.sourceId)}`),
    );
    this.add(
      "SPOKEN_BY",
      citations.flatMap((c) => (c.speakerId === null ? [] : [`${quoted(c.id)},${quoted(c.speakerId)}`])),
    );
  }

  /** The lines made since the last call, and what the importer must be told; then starts afresh. */
  take(): ImportChunk {
    const chunk: ImportChunk = {
      text: Object.fromEntries(
        Object.entries(this.lines).map(([file, pieces]) => [file, `${pieces.join("\n")}\n`]),
      ),
      multiline: [...this.multiline],
      longestBytes: this.longestBytes,
      emptyAliases: this.emptyAliases,
    };
    this.lines = {};
    this.multiline = new Set();
    this.longestBytes = 0;
    this.emptyAliases = [];
    return chunk;
  }
}

/**
 * One CSV data file, written with large buffered writes. A write that fails (a full disk: ENOSPC) rejects the
 * next `write` or `close` with the file system's error, rather than ending the process on an unhandled 'error'.
 */
class DataFile {
  readonly stream: WriteStream;
  private failure: Error | undefined;
  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { highWaterMark: 1 << 20 });
    this.stream.on("error", (error) => {
      this.failure ??= error;
    });
  }
  /** Appends text; resolves once the stream can take more, so memory stays bounded. */
  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    // once() rejects when the stream fails while it waits.
    if (!this.stream.write(text)) await once(this.stream, "drain");
  }
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) reject(this.failure);
      else this.stream.end((error?: Error | null) => (error ? reject(this.failure ?? error) : resolve()));
    });
  }
}

/** What an importer run reads: `--nodes` and `--relationships` arguments, and the options they need. */
export interface ImportFileSet {
  args: string[];
  /** Actors without aliases: an empty list is an empty field, which the importer leaves out; set after. */
  emptyAliases: string[];
}

/** Writes the importer's input into `dir`, chunk after chunk (ImportLines), in the order given. */
export class ImportFiles {
  private readonly files: Record<ImportFileName, DataFile>;
  private readonly emptyAliases: string[] = [];
  private readonly multiline = new Set<ImportFileName>();
  private longestBytes = 0;

  constructor(private readonly dir: string) {
    this.files = Object.fromEntries(
      Object.entries(fileNames).map(([name, file]) => [name, new DataFile(path.join(dir, `${file}.csv`))]),
    ) as Record<ImportFileName, DataFile>;
  }

  /** Appends a chunk's lines to their files. */
  async write(chunk: ImportChunk): Promise<void> {
    for (const [name, text] of Object.entries(chunk.text) as [ImportFileName, string][]) {
      await this.files[name].write(text);
    }
    for (const name of chunk.multiline) this.multiline.add(name);
    this.longestBytes = Math.max(this.longestBytes, chunk.longestBytes);
    this.emptyAliases.push(...chunk.emptyAliases);
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
      const data = this.files[name as ImportFileName].file;
      const headerFile = data.replace(/\.csv$/, "-header.csv");
      await writeFile(headerFile, `${fields.join(",")}\n`);
      args.push(`--${kind}=${name}=${headerFile},${data}`);
    }
    const multiline = [...this.multiline].map((name) => this.files[name].file);
    const longest = this.longestBytes;
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
