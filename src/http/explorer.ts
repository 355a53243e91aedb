import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Plugin } from "graphql-yoga";
import { projectRoot } from "../domain/project.js";
import { vocabulary } from "../domain/vocabulary.js";

const require = createRequire(import.meta.url);

/** A file of an installed package, found as Node finds the package (a dependency's own, from its dependent). */
const packageFile = (from: NodeJS.Require, name: string, file: string) =>
  path.join(path.dirname(from.resolve(`${name}/package.json`)), file);
// fCoSE depends on cose-base, which depends on layout-base; cytoscape-cola on webcola. Their browser builds
// (UMD) set globals in that order; the explorer's layout module loads them one after another.
const fcose = createRequire(require.resolve("cytoscape-fcose"));
const coseBase = createRequire(fcose.resolve("cose-base"));
const cola = createRequire(require.resolve("cytoscape-cola"));

/** The explorer's own files: its modules, style sheet and page. */
const folder = path.join(projectRoot, "src/explorer");
/** The content type of each extension served from the folder; the folder's other files (types, tsconfig) are not. */
const contentTypes = new Map([
  [".js", "text/javascript; charset=utf-8"],
  [".mjs", "text/javascript; charset=utf-8"],
  [".css", "text/css; charset=utf-8"],
  [".html", "text/html; charset=utf-8"],
]);
/** The pages, by path: the graph, and the review of an article's proposals (docs/decisions/038-review-page.md). */
const pages = new Map([
  ["/", "index.html"],
  ["/review", "review.html"],
]);
/** A file name in the folder that may be served: one segment of lower-case words, no dotfile, no `..`. */
const servedName = /^[a-z][a-z0-9-]*(\.[a-z]+)$/;

/** Cytoscape.js and its layout extensions, from the installed packages (never a CDN). */
const vendor = new Map([
  // The package exports this file for `import` only; it sits beside the CommonJS build that `require` finds.
  ["cytoscape.esm.min.mjs", path.join(path.dirname(require.resolve("cytoscape")), "cytoscape.esm.min.mjs")],
  ["layout-base.js", packageFile(coseBase, "layout-base", "layout-base.js")],
  ["cose-base.js", packageFile(fcose, "cose-base", "cose-base.js")],
  ["cytoscape-fcose.js", packageFile(require, "cytoscape-fcose", "cytoscape-fcose.js")],
  ["cola.min.js", packageFile(cola, "webcola", "WebCola/cola.min.js")],
  ["cytoscape-cola.js", packageFile(require, "cytoscape-cola", "cytoscape-cola.js")],
]);

/**
 * What the explorer draws with from the vocabulary (seed/vocabulary.yaml): each actor kind's colour, and the
 * relation families with their types, in the vocabulary's order. The GraphQL schema carries neither (its enums
 * hold names and descriptions), so that the printed schema stays a contract on data, not on presentation.
 */
const vocabularyDocument = JSON.stringify({
  actorKinds: vocabulary.actorKinds.map(({ name, colour }) => ({ name, colour })),
  relationFamilies: vocabulary.relationFamilies.map(({ name }) => ({
    name,
    types: vocabulary.relationTypes.filter((t) => t.family === name).map((t) => t.name),
  })),
  stances: vocabulary.stances.map(({ name }) => name),
});

/**
 * The file a path names, with its content type: `/` and `/review` are the pages; `/explorer/<name>` a file of the explorer's
 * folder with a served extension; `/explorer/vendor/<name>` a vendored script. Anything else is not ours.
 */
function fileOf(pathname: string): { file: string; type: string } | undefined {
  const vendored = pathname.startsWith("/explorer/vendor/")
    ? vendor.get(pathname.slice("/explorer/vendor/".length))
    : undefined;
  if (vendored) return { file: vendored, type: "text/javascript; charset=utf-8" };
  const name = pages.get(pathname) ?? /^\/explorer\/([^/]+)$/.exec(pathname)?.[1];
  const extension = name && servedName.exec(name)?.[1];
  const type = extension ? contentTypes.get(extension) : undefined;
  return name && type ? { file: path.join(folder, name), type } : undefined;
}

/** The file's text, or undefined when there is no such file. */
async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The graph explorer at `/`: a static page of ES modules over the GraphQL API, served from src/explorer by file
 * extension (.js, .mjs, .css, .html; nothing else, and nothing outside the folder), with Cytoscape.js and its
 * layout extensions from the installed packages, and the vocabulary's colours and families at
 * `/explorer/vocabulary.json`. A path it does not serve falls through (to a 404).
 */
export function useExplorer(): Plugin {
  // Only files that exist are cached: at most the folder's files and the vendored scripts.
  const cache = new Map<string, string>();
  const respond = (body: string, type: string) =>
    new Response(body, {
      headers: {
        "content-type": type,
        "cache-control": "no-cache",
        // The page runs only its own scripts and talks only to this server.
        "content-security-policy":
          "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
      },
    });
  return {
    async onRequest({ request, url, endResponse }) {
      // HEAD answers as GET; the HTTP server sends no body for it.
      if (request.method !== "GET" && request.method !== "HEAD") return;
      if (url.pathname === "/explorer/vocabulary.json") {
        endResponse(respond(vocabularyDocument, "application/json; charset=utf-8"));
        return;
      }
      const entry = fileOf(url.pathname);
      if (!entry) return;
      const body = cache.get(entry.file) ?? (await readIfPresent(entry.file));
      if (body === undefined) return;
      cache.set(entry.file, body);
      endResponse(respond(body, entry.type));
    },
  };
}
