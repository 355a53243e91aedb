import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Plugin } from "graphql-yoga";
import { projectRoot } from "../config.js";

const require = createRequire(import.meta.url);

/**
 * The graph explorer at `/`: a static page over the GraphQL API, with Cytoscape.js from the installed package
 * (never a CDN). Only the files listed here are served.
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
