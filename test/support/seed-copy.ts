import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { projectRoot } from "../../src/domain/project.js";

export const seedDir = path.join(projectRoot, "seed");

/** A scratch copy of the real seed directory, to edit without touching the repository. */
export async function copySeed(): Promise<{ dir: string; edit: EditFile; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "seed-"));
  await cp(seedDir, dir, { recursive: true });
  return {
    dir,
    edit: async (file, from, to) => {
      const target = path.join(dir, file);
      const text = await readFile(target, "utf8");
      const at = text.indexOf(from);
      if (at === -1) throw new Error(`test setup: "${from}" not in ${file}`);
      await writeFile(target, text.slice(0, at) + to + text.slice(at + from.length));
      return text.slice(0, at).split("\n").length;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Replaces the first occurrence of `from` with `to` in `file`; resolves with the 1-based line it was on. */
export type EditFile = (file: string, from: string, to: string) => Promise<number>;
