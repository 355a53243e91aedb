import { readFile } from "node:fs/promises";
import path from "node:path";
import { ingestFile } from "../domain/model.js";
import { type Problem as FileProblem, type ParsedFile, parseYaml, SeedError } from "../seed/read.js";
import type { Batch, Locate } from "./service.js";

/** A batch read from files: its sources have their keys and file names, as the files must give them. */
export type FilesBatch = Batch & { sources: (Batch["sources"][number] & { id: string; file: string })[] };

/** A batch read from files, with where each of its items came from. */
export interface FileBatch {
  batch: FilesBatch;
  /** Names an item of the batch as `FILE:LINE`, for the problems a write finds in it. */
  locate: Locate;
}

/**
 * Reads `files` in the seed's YAML formats for ingest (each file may hold sources, actors and relations; a
 * source's `file` is read relative to its YAML file, whose name it keeps). `onFile` is called before each file.
 * @throws SeedError naming every file and line that cannot be read or parsed.
 */
export async function readIngestFiles(
  files: readonly string[],
  onFile: (file: string) => void = () => {},
): Promise<FileBatch> {
  const batch: FilesBatch = { sources: [], actors: [], relations: [] };
  /** For each item of the batch, the file it came from and its place there, to name lines in errors. */
  const origins: Record<keyof Batch, { file: string; parsed: ParsedFile<unknown>; index: number }[]> = {
    sources: [],
    actors: [],
    relations: [],
  };
  const problems: FileProblem[] = [];
  for (const file of files) {
    onFile(file);
    const text = await readFile(file, "utf8").catch((error: Error) => {
      problems.push({ file, line: 1, message: `cannot read: ${error.message}` });
      return undefined;
    });
    if (text === undefined) continue;
    const parsed = parseYaml(file, text, ingestFile, problems);
    if (!parsed.data) continue;
    for (const [index, source] of parsed.data.sources.entries()) {
      const sourcePath = path.resolve(path.dirname(file), source.file);
      const sourceText = await readFile(sourcePath, "utf8").catch(() => undefined);
      if (sourceText === undefined) {
        problems.push({
          file,
          line: parsed.lineAt(["sources", index, "file"]),
          message: `cannot read ${source.file}`,
        });
        continue;
      }
      batch.sources.push({ ...source, file: path.basename(source.file), text: sourceText });
      origins.sources.push({ file, parsed, index });
    }
    for (const [index, actor] of parsed.data.actors.entries()) {
      batch.actors.push(actor);
      origins.actors.push({ file, parsed, index });
    }
    for (const [index, relation] of parsed.data.relations.entries()) {
      batch.relations.push(relation);
      origins.relations.push({ file, parsed, index });
    }
  }
  if (problems.length > 0) throw new SeedError(problems);
  return {
    batch,
    locate: (section, index, at) => {
      const origin = origins[section][index];
      if (!origin) return `${section}[${index}]`;
      return `${origin.file}:${origin.parsed.lineAt([section, origin.index, ...at])}`;
    },
  };
}
