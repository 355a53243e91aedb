import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Plugin } from "graphql-yoga";
import { projectRoot } from "../domain/project.js";

const require = createRequire(import.meta.url);

/** A file of an installed package, found as Node finds the package (a dependency's own, from its dependent). */
const packageFile = (from: NodeJS.Require, name: string, file: string) =>
  path.join(path.dirname(from.resolve(`${name}/package.json`)), file);
const script = (file: string) => ({ file, type: "text/javascript; charset=utf-8" });
// fCoSE depends on cose-base, which depends on layout-base; cytoscape-cola on webcola. Their browser builds
// (UMD) set globals in that order; explorer.js loads them one after another.
const fcose = createRequire(require.resolve("cytoscape-fcose"));
const coseBase = createRequire(fcose.resolve("cose-base"));
const cola = createRequire(require.resolve("cytoscape-cola"));

/**
 * The graph explorer at `/`: a static page over the GraphQL API, with Cytoscape.js and its layout extensions
 * (fCoSE, Cola) from the installed packages (never a CDN). Only the files listed here are served.
 */
const files: Record<string, { file: string; type: string }> = {
  "/": { file: path.join(projectRoot, "src/explorer/index.html"), type: "text/html; charset=utf-8" },
  "/explorer/explorer.js": {
    file: path.join(projectRoot, "src/explorer/explorer.js"),
    type: "text/javascript; charset=utf-8",
  },
  "/explorer/explorer.css": {
    file: path.join(projectRoot, "src/explorer/explorer.css"),
    type: "text/css; charset=utf-8",
  },
  "/explorer/vendor/cytoscape.esm.min.mjs": {
    // The package exports this file for `import` only; it sits beside the CommonJS build that `require` finds.
    file: path.join(path.dirname(require.resolve("cytoscape")), "cytoscape.esm.min.mjs"),
    type: "text/javascript; charset=utf-8",
  },
  "/explorer/vendor/layout-base.js": script(packageFile(coseBase, "layout-base", "layout-base.js")),
  "/explorer/vendor/cose-base.js": script(packageFile(fcose, "cose-base", "cose-base.js")),
  "/explorer/vendor/cytoscape-fcose.js": script(
    packageFile(require, "cytoscape-fcose", "cytoscape-fcose.js"),
  ),
  "/explorer/vendor/cola.min.js": script(packageFile(cola, "webcola", "WebCola/cola.min.js")),
  "/explorer/vendor/cytoscape-cola.js": script(packageFile(require, "cytoscape-cola", "cytoscape-cola.js")),
};

export function useExplorer(): Plugin {
  const cache = new Map<string, string>();
  return {
    async onRequest({ request, url, endResponse }) {
      const entry = files[url.pathname];
      // HEAD answers as GET; the HTTP server sends no body for it.
      if (!entry || (request.method !== "GET" && request.method !== "HEAD")) return;
      const body = cache.get(entry.file) ?? (await readFile(entry.file, "utf8"));
      cache.set(entry.file, body);
      endResponse(
        new Response(body, {
          headers: {
            "content-type": entry.type,
            "cache-control": "no-cache",
            // The page runs only its own scripts and talks only to this server.
            "content-security-policy":
              "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
          },
        }),
      );
    },
  };
}
