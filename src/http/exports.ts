import type { Plugin } from "graphql-yoga";
import { readingCaller } from "../auth.js";
import type { AuthConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { exportGraph } from "../db/export.js";
import { type ExportFile, exportFiles } from "../export/formats.js";
import { json } from "./plugins.js";

/**
 * GET /export/graph.graphml, /export/graph.cytoscape.json, /export/{actors,relations,citations}.csv: the whole
 * graph for graph tools, under the same read access as queries.
 */
export function useExports(db: Database, auth: AuthConfig): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith("/export/")) return;
      const name = url.pathname.slice("/export/".length);
      if (!(name in exportFiles)) {
        endResponse(
          json({ error: `No export "${name}"; try one of ${Object.keys(exportFiles).join(", ")}` }, 404),
        );
        return;
      }
      if (request.method !== "GET") {
        endResponse(json({ error: "Exports are read with GET." }, 405, { allow: "GET" }));
        return;
      }
      try {
        readingCaller(request.headers, auth);
      } catch (error) {
        endResponse(json({ error: (error as Error).message }, 401));
        return;
      }
      const file = exportFiles[name as ExportFile];
      const body = file.render(await exportGraph(db));
      endResponse(
        new Response(body, {
          status: 200,
          headers: { "content-type": file.type, "content-disposition": `attachment; filename="${name}"` },
        }),
      );
    },
  };
}
