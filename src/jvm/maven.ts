import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import type { Logger } from "../logger.js";

/** A Maven project of ours that packages a Java launcher and copies its dependencies to `target/lib`. */
export interface MavenProject {
  /** Its directory (holding pom.xml). */
  dir: string;
  /** Files, relative to `dir`, whose content decides whether it must be built again (the pom, the sources). */
  sources: readonly string[];
  /** The jar `mvn package` makes, relative to `dir`. */
  jar: string;
  /** What it is, for the log: "the embedded Neo4j launcher". */
  what: string;
  /** What the first build downloads, for the log: "Neo4j, about 125 MB". */
  downloads: string;
}

/** The classpath of a built project: its jar, then every jar of its dependencies. */
export function mavenClasspath(project: MavenProject): string {
  return [path.join(project.dir, project.jar), path.join(project.dir, "target", "lib", "*")].join(
    path.delimiter,
  );
}

/** Hash of everything the build depends on, so an edited pom or class triggers a rebuild. */
async function sourceHash(project: MavenProject): Promise<string> {
  const hash = createHash("sha256");
  for (const file of project.sources) hash.update(await readFile(path.join(project.dir, file)));
  return hash.digest("hex");
}

/**
 * Builds `project` with `mvn -B package`, once: a stamp in its target directory records the hash of its
 * sources, and a later call with the same sources and the jar present does nothing. Maven's own lines (every
 * 25th downloaded artifact, the build's steps) are the progress a first run shows. Rejects with Maven's last
 * 200 lines when the build fails, or when `mvn` cannot be run.
 */
export async function buildMavenProject(project: MavenProject, log: Logger): Promise<void> {
  const stampFile = path.join(project.dir, "target", "build-stamp");
  const wanted = await sourceHash(project);
  const built = existsSync(stampFile) ? (await readFile(stampFile, "utf8")).trim() : "";
  if (built === wanted && existsSync(path.join(project.dir, project.jar))) return;
  log.info(`Building ${project.what} (first run: Maven downloads ${project.downloads})`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const mvn = spawn("mvn", ["-B", "package"], { cwd: project.dir, stdio: ["ignore", "pipe", "pipe"] });
    let downloads = 0;
    const output: string[] = [];
    readline.createInterface({ input: mvn.stdout }).on("line", (line) => {
      output.push(line);
      if (output.length > 200) output.shift();
      if (line.includes("Downloaded from")) {
        downloads += 1;
        if (downloads % 25 === 0) log.info(`Maven: ${downloads} artifacts downloaded`);
      } else if (/BUILD|ERROR|Building jar|Copying/.test(line)) {
        log.info(`Maven: ${line.replace(/^\[\w+\]\s*/, "")}`);
      }
    });
    mvn.stderr.pipe(process.stderr);
    mvn.on("error", (error) => reject(new Error(`Cannot run Maven (mvn): ${error.message}`)));
    mvn.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`Maven build of ${project.what} failed (exit ${code}):\n${output.join("\n")}`));
    });
  });
  await writeFile(stampFile, `${wanted}\n`);
  log.info(`Built ${project.what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
