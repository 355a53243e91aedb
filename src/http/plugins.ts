import { isUtf8 } from "node:buffer";
import { randomUUID } from "node:crypto";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../logger.js";
import { telemetry } from "../telemetry.js";

/** Small graphql-yoga plugins for the HTTP surface; src/server.ts composes them. */

export const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

/** Each request's id, as useRequestLog gave it: the traces carry it (src/http/tracing.ts). */
export const requestIds = new WeakMap<Request, string>();

/** Gives each request an id (the caller's X-Request-Id, or a new one), echoes it and logs the request's outcome. */
export function useRequestLog(log: Logger): Plugin {
  const started = new WeakMap<Request, { id: string; at: number; path: string }>();
  return {
    onRequest({ request, url }) {
      const given = request.headers.get("x-request-id");
      const id = given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
      requestIds.set(request, id);
      started.set(request, { id, at: performance.now(), path: url.pathname });
    },
    onResponse({ request, response }) {
      const entry = started.get(request);
      if (!entry) return;
      response.headers.set("x-request-id", entry.id);
      log.info(
        {
          reqId: entry.id,
          method: request.method,
          path: entry.path,
          status: response.status,
          ms: Math.round((performance.now() - entry.at) * 10) / 10,
        },
        "request",
      );
    },
  };
}

/** /health: the process is alive and serving HTTP; it says nothing about the database. */
export function useHealth(): Plugin {
  return {
    onRequest({ url, endResponse }) {
      if (url.pathname === "/health") endResponse(json({ status: "ok" }, 200));
    },
  };
}

/**
 * Refuses a body larger than `maxBytes` before anything reads it: 413 when Content-Length says so, 411 when a
 * POST does not say how long it is (a chunked body could otherwise grow without bound).
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (request.method !== "POST") return;
      const length = request.headers.get("content-length");
      if (length === null || !/^\d+$/.test(length) || Number(length) > maxBytes) {
        telemetry.measurements?.refusal("body");
      }
      if (length === null) {
        endResponse(
          json(
            {
              errors: [
                { message: "A POST needs a Content-Length header.", extensions: { code: "BAD_REQUEST" } },
              ],
            },
            411,
          ),
        );
      } else if (!/^\d+$/.test(length) || Number(length) > maxBytes) {
        endResponse(
          json(
            {
              errors: [
                {
                  message: `The request body may be at most ${maxBytes} bytes.`,
                  extensions: { code: "LIMIT_EXCEEDED", maxBodyBytes: maxBytes },
                },
              ],
            },
            413,
          ),
        );
      }
    },
  };
}

/** Conservative security headers on every response; GraphiQL's page gets the script sources it needs. */
export function useSecurityHeaders(): Plugin {
  return {
    onResponse({ response }) {
      response.headers.set("x-content-type-options", "nosniff");
      response.headers.set("referrer-policy", "no-referrer");
      response.headers.set("x-frame-options", "DENY");
      response.headers.set("cross-origin-opener-policy", "same-origin");
      // Pages set their own policy (GraphiQL and the explorer need scripts); everything else runs nothing.
      if (
        !response.headers.has("content-security-policy") &&
        !response.headers.get("content-type")?.startsWith("text/html")
      ) {
        response.headers.set("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
      }
    },
  };
}

/** Longest part of a client's Content-Encoding echoed in a refusal, in characters. */
const echoedEncodingChars = 64;

/**
 * Refuses a POST body sent with a Content-Encoding other than `identity` (415, naming the encoding, with
 * `accept-encoding: identity` as RFC 7694 says): the service reads bodies as they are sent, so a compressed body
 * would otherwise be refused further on as not UTF-8 or not JSON, which says nothing of the cause.
 */
export function useIdentityEncoding(): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (request.method !== "POST") return;
      const encoding = request.headers.get("content-encoding")?.trim().toLowerCase();
      if (!encoding || encoding === "identity") return;
      const named = encoding.slice(0, echoedEncodingChars);
      endResponse(
        json(
          {
            errors: [
              {
                message: `Content-Encoding "${named}" is not supported: send the body uncompressed (identity).`,
                extensions: { code: "BAD_REQUEST", contentEncoding: named },
              },
            ],
          },
          415,
          { "accept-encoding": "identity" },
        ),
      );
    },
  };
}

/** Refuses a POST body that is not valid UTF-8 (400), instead of letting the decoder replace bytes silently. */
export function useStrictUtf8(): Plugin {
  return {
    async onRequest({ request, endResponse }) {
      if (request.method !== "POST") return;
      // isUtf8 checks the bytes without decoding them into a string that nothing would read.
      if (!isUtf8(await request.clone().arrayBuffer())) {
        endResponse(
          json(
            {
              errors: [
                { message: "The request body is not valid UTF-8.", extensions: { code: "BAD_REQUEST" } },
              ],
            },
            400,
          ),
        );
      }
    },
  };
}

/** Headers of which a GraphQL request whose body a plain HTML form could send must carry one (any value). */
export const csrfHeaders = ["x-graphql-csrf", "graphql-require-preflight"];

/**
 * Cross-site request forgery: a page elsewhere can make a browser POST a form (`multipart/form-data`,
 * url-encoded, `text/plain`) without a CORS preflight. Such a POST is executed only with one of `csrfHeaders`,
 * which a form cannot set (graphql-yoga's plugin; it answers 403 otherwise). JSON requests, which need a
 * preflight from another origin, pass as they are (GraphiQL, the explorer and the notebook send JSON). GET is
 * left alone: it runs only queries (mutations need POST), and the service sets no cookies, so a page elsewhere
 * that makes a browser send one gains nothing it could not fetch itself.
 */
export function useCsrfPrevention(): Plugin {
  const prevention = useCSRFPrevention({ requestHeaders: csrfHeaders });
  return {
    onRequestParse(payload) {
      if (payload.request.method === "GET") return;
      return prevention.onRequestParse?.(payload);
    },
  };
}

/**
 * HEAD on `path` answers exactly as GET would (GraphiQL's page, a query's result, a refusal), without the body:
 * the request is run again as a GET through `handle`, the whole handler, so that every rule for GET holds
 * (mutations are refused, limits apply). The other paths answer HEAD themselves.
 */
export function useHeadAsGet(
  path: string,
  handle: (request: Request) => Promise<Response> | Response,
): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== "HEAD" || url.pathname !== path) return;
      const answer = await handle(new Request(request.url, { method: "GET", headers: request.headers }));
      await answer.body?.cancel();
      endResponse(new Response(null, { status: answer.status, headers: answer.headers }));
    },
  };
}
