import type { IncomingMessage, Server } from "node:http";
import type { Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";
import { presentedKey } from "../auth.js";
import type { HttpConfig } from "../config.js";
import { rateLimited } from "../domain/errors.js";
import type { Logger } from "../logger.js";
import { telemetry } from "../telemetry.js";
import { toGraphQLError } from "./errors.js";
import { json } from "./plugins.js";

/**
 * Brakes at the edge of the service, for clients that would wear it down without ever sending a costly query:
 * wrong API keys in bulk (refused per client for a while), and connections held open (capped in number, in
 * total and per client; Node's own timeouts close slow ones, see createHttpServer in src/server.ts).
 */

/**
 * The client a connection comes from, as the brakes count it: its IPv4 address, or the /64 network of its IPv6
 * address (one host usually holds a whole /64 and can pick any address in it). IPv4-mapped IPv6 addresses
 * (`::ffff:192.0.2.1`) are their IPv4 address.
 */
export function clientOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return mapped;
  if (!address.includes(":")) return address;
  const [head = "", tail] = address.replace(/%.*$/, "").split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}

/** Most clients whose failed authentications are remembered: about 1 MB; the least recently seen go first. */
const rememberedClients = 10_000;

/**
 * Failed authentications per client, in a window that starts with the client's first failure: after `max`
 * failures, the client is refused until its window ends. Bounded: at most `rememberedClients` clients, each
 * forgotten when its window ends.
 */
export class FailedAuthentications {
  private readonly table: LRUCache<string, { failures: number; until: number }>;

  constructor(
    readonly max: number,
    /** The window, in milliseconds. */
    readonly windowMs: number,
  ) {
    this.table = new LRUCache({ max: rememberedClients, ttl: windowMs });
  }

  /** How many whole seconds `client` must still wait before it may present a key again; 0 if it may now. */
  waitSeconds(client: string): number {
    const entry = this.table.get(client);
    if (!entry || entry.failures < this.max) return 0;
    return Math.max(1, Math.ceil((entry.until - performance.now()) / 1000));
  }

  /** Counts one failure of `client`; true when it is the one that reaches `max`. */
  record(client: string): boolean {
    const entry = this.table.get(client);
    if (entry) entry.failures += 1;
    else this.table.set(client, { failures: 1, until: performance.now() + this.windowMs });
    return (entry?.failures ?? 1) === this.max;
  }
}

/** The address of the connection a request came on, or undefined when it came without one (yoga.fetch in tests). */
function addressOf(serverContext: unknown): string | undefined {
  return (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket.remoteAddress;
}

/**
 * Rate-limits wrong API keys per client (see clientOf): a request that presents a key and is answered 401 counts
 * as a failure, on every path (GraphQL, exports). After `max` failures within `windowMs` of the first, every
 * request of that client that presents a key, right or wrong, answers `429 RATE_LIMITED` with `retry-after`
 * until the window ends, without its key being checked; its requests without a key are served as usual.
 */
export function useFailedAuthLimit({ max, windowMs }: HttpConfig["authFailures"], log: Logger): Plugin {
  const failures = new FailedAuthentications(max, windowMs);
  const clients = new WeakMap<Request, string>();
  return {
    onRequest({ request, serverContext, endResponse }) {
      const address = addressOf(serverContext);
      if (address === undefined || presentedKey(request.headers) === null) return;
      const client = clientOf(address);
      const seconds = failures.waitSeconds(client);
      if (seconds === 0) {
        clients.set(request, client);
        return;
      }
      telemetry.measurements?.refusal("auth_failures");
      const refusal = toGraphQLError(
        rateLimited(
          `Too many wrong API keys from this address (${max} within ${windowMs / 1000} s): requests with a key are refused for ${seconds} s more.`,
          { retryAfterSeconds: seconds, maxFailures: max, windowSeconds: windowMs / 1000 },
        ),
      );
      const { http, ...extensions } = refusal.extensions as { http: { status: number } };
      endResponse(
        json({ errors: [{ message: refusal.message, extensions }] }, http.status, {
          "retry-after": String(seconds),
        }),
      );
    },
    onResponse({ request, response }) {
      const client = clients.get(request);
      if (client === undefined || response.status !== 401) return;
      if (failures.record(client)) {
        log.warn(
          { client, failures: max, windowSeconds: windowMs / 1000 },
          "Too many wrong API keys from one client; refusing its keys until its window ends",
        );
      }
    },
  };
}

/**
 * Caps the connections open at once: `max` in all (Node closes the ones beyond as they arrive) and
 * `maxPerAddress` per client (see clientOf), closed here as they arrive. Bounded: one counter per client with
 * a connection open.
 */
export function capConnections(server: Server, { max, maxPerAddress }: HttpConfig["connections"]): void {
  server.maxConnections = max;
  const open = new Map<string, number>();
  server.on("connection", (socket) => {
    if (socket.remoteAddress === undefined) return;
    const client = clientOf(socket.remoteAddress);
    const count = (open.get(client) ?? 0) + 1;
    if (count > maxPerAddress) {
      telemetry.measurements?.refusal("connections_per_address");
      socket.destroy();
      return;
    }
    open.set(client, count);
    socket.once("close", () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left > 0) open.set(client, left);
      else open.delete(client);
    });
  });
}
