import type { ServerResponse } from "node:http";
import type { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Authenticator } from "../api-keys.js";
import type { Caller } from "../auth.js";
import type { HttpConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { type ExportSelection, type ExportSource, exportCounts, openExport } from "../db/export.js";
import { badInput, limitExceeded, unauthenticated } from "../domain/errors.js";
import { show, shownPoints } from "../domain/grammar.js";
import { shortened } from "../domain/text.js";
import { exportFilterParameters, exportSelection, parseExportFilter } from "../export/filter.js";
import { exportFiles, exportText, isCsv, withByteOrderMark } from "../export/formats.js";
import type { Logger } from "../logger.js";
import { logFailure } from "./error-log.js";
import { maskError } from "./errors.js";
import { json } from "./plugins.js";

type ExportLimits = HttpConfig["exports"];

/** Refuses an export of `relations` relations that is over a limit for this caller. */
function admit(relations: number, caller: Caller | null, limits: ExportLimits): void {
  if (relations > limits.maxRelations) {
    throw limitExceeded(
      `The export holds ${relations} relations; exports over HTTP may carry at most ${limits.maxRelations} ` +
        "(EXPORT_MAX_RELATIONS). `npm run export` on the server has no such limit.",
      { limit: limits.maxRelations, relations },
    );
  }
  if (!caller && relations > limits.openMaxRelations) {
    throw unauthenticated(
      `The export holds ${relations} relations; exporting more than ${limits.openMaxRelations} ` +
        "(EXPORT_OPEN_MAX_RELATIONS) needs an API key (Authorization: Bearer <key>).",
    );
  }
}

/** A refusal or failure before anything is streamed, as JSON: `error`, `code` and the error's figures. */
export function errorResponse(error: unknown, log: Logger): Response {
  const masked = maskError(error, "Unexpected error.", false) as GraphQLError;
  const { http, unexpected, ...fields } = masked.extensions as {
    http?: { status?: number; headers?: Record<string, string> };
    unexpected?: boolean;
  };
  const status = http?.status ?? 500;
  logFailure(log, error, "Export refused or failed before streaming");
  return json({ error: masked.message, ...fields }, status, http?.headers);
}

/**
 * A response body that asks for the next chunk only when the client has taken the ones before (a web
 * stream's pull, which the HTTP server calls as the socket drains). When the text fails, `cut` ends the
 * connection; the stream then closes, since @whatwg-node/server answers a cut connection by cancelling the
 * stream, and the cancel of an errored stream rejects where nothing catches it. Without a connection to cut
 * (a handler called without a socket), the stream errors instead.
 */
function responseBody(chunks: AsyncGenerator<string>, cut: (error: unknown) => boolean): ReadableStream {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<string>;
      try {
        next = await chunks.next();
      } catch (error) {
        if (cut(error)) controller.close();
        else controller.error(error);
        return;
      }
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/**
 * GET and HEAD /export/graph.graphml, /export/graph.cytoscape.json, /export/{actors,relations,citations,sources}.csv:
 * the graph for graph tools, or the part the query's filter names (src/export/filter.ts: `actor`, `depth`,
 * `kinds`, `types`, `asOf`, `from`, `to`; a bad one answers 400 BAD_USER_INPUT), under the same read access as
 * queries, streamed from one read transaction (src/db/export.ts). `bom=1` starts a CSV with a byte-order mark for
 * Excel. Before anything is sent, the selected relations are counted: over `maxRelations` no one gets them (400
 * LIMIT_EXCEEDED), over `openMaxRelations` only callers with an API key (else 401 UNAUTHENTICATED). Once streaming, the status is sent: a failure (database gone, time budget spent) is logged
 * and the connection is cut, so the client sees an incomplete response rather than a short file.
 */
export function useExports(
  db: Database,
  authenticator: Authenticator,
  limits: ExportLimits,
  log: Logger,
): Plugin {
  /** Exports streaming now: each holds a database connection, so there are at most `maxConcurrent`. */
  let running = 0;
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (!url.pathname.startsWith("/export/")) return;
      const name = url.pathname.slice("/export/".length);
      const known = Object.hasOwn(exportFiles, name) ? exportFiles[name] : undefined;
      if (!known) {
        const names = Object.keys(exportFiles).join(", ");
        endResponse(json({ error: `No export "${name}"; try one of ${names}`, code: "NOT_FOUND" }, 404));
        return;
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        const message = "Exports are read with GET (or HEAD).";
        endResponse(json({ error: message, code: "METHOD_NOT_ALLOWED" }, 405, { allow: "GET, HEAD" }));
        return;
      }
      const format = url.searchParams.get("bom") === "1" && isCsv(known) ? withByteOrderMark(known) : known;
      let selection: ExportSelection;
      try {
        const caller = await authenticator.readingCaller(request.headers);
        const allowed: readonly string[] = [...exportFilterParameters, "bom"];
        const unknown = [...url.searchParams.keys()].find((key) => !allowed.includes(key));
        if (unknown !== undefined) {
          throw badInput(
            `Unknown export parameter ${show(unknown)}; the parameters are ${allowed.join(", ")}`,
            {
              parameter: shortened(unknown, shownPoints),
            },
          );
        }
        const filter = parseExportFilter((parameter) => url.searchParams.getAll(parameter));
        selection = await exportSelection(db, filter, limits.maxRelations);
        admit((await exportCounts(db, selection)).relations, caller, limits);
      } catch (error) {
        endResponse(errorResponse(error, log));
        return;
      }
      const headers = {
        "content-type": format.type,
        "content-disposition": `attachment; filename="${name}"`,
      };
      if (request.method === "HEAD") {
        endResponse(new Response(null, { status: 200, headers }));
        return;
      }
      if (running >= limits.maxConcurrent) {
        const message = `At most ${limits.maxConcurrent} exports run at once (EXPORT_MAX_CONCURRENT); try again shortly.`;
        endResponse(
          json({ error: message, code: "LIMIT_EXCEEDED", limit: limits.maxConcurrent }, 429, {
            "retry-after": "10",
          }),
        );
        return;
      }
      const connection = (serverContext as { res?: ServerResponse }).res;
      let failed = false;
      /** Once the status is sent, a failure is logged and the connection cut; false if there is none to cut. */
      const cut = (error: unknown) => {
        if (!failed && !request.signal.aborted) {
          logFailure(log, error, "Export failed mid-stream; the response is cut off", { export: name });
        }
        failed = true;
        connection?.destroy();
        return connection !== undefined;
      };
      let source: ExportSource;
      running += 1;
      try {
        source = await openExport(db, {
          onStop: () => {
            running -= 1;
          },
          file: name,
          selection,
          timeoutMs: limits.timeoutMs,
          signal: request.signal,
          // Before the status is sent, the pending read fails instead, and the client gets an error response.
          onTimeout: (error) => {
            if (connection?.headersSent) cut(error);
          },
        });
      } catch (error) {
        endResponse(errorResponse(error, log));
        return;
      }
      endResponse(new Response(responseBody(exportText(format, source), cut), { status: 200, headers }));
    },
  };
}
