import type { IncomingMessage, Server } from "node:http";
import { initContextCache } from "@pothos/core";
import { GraphQLError } from "graphql";
import type { Context as WsContext } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { Plugin, YogaServerInstance } from "graphql-yoga";
import { WebSocketServer } from "ws";
import type { LimitsConfig, SubscriptionsConfig } from "../config.js";
import { DomainError } from "../domain/errors.js";
import { type BytesInFlight, RequestBudget } from "../graphql/budget.js";
import type { ChangeFeed, SubscriberClient } from "../graphql/change-feed.js";
import type { GraphQLContext } from "../graphql/context.js";
import type { Logger } from "../logger.js";
import { toGraphQLError } from "./errors.js";

/**
 * Subscriptions over HTTP (docs/decisions/039-subscriptions.md): Server-Sent Events are yoga's own (a request
 * that accepts text/event-stream), WebSocket is graphql-ws on the same port and path (/graphql), both executing
 * through the same envelop plugins as queries: the document limits, the cost rule, READ_ACCESS.
 */

/** Who a request comes from, for the subscriptions' limits: its address and connection, over SSE or WebSocket. */
export function subscriberClient(
  req: IncomingMessage | undefined,
  transport: "sse" | "ws",
): SubscriberClient {
  const socket = req?.socket;
  if (!socket) return { address: "local", connection: {}, transport: "none" };
  return {
    address: socket.remoteAddress ?? "unknown",
    connection: socket,
    transport,
    abandon: () => socket.destroy(),
  };
}

/**
 * Gives each event of a subscription a budget of its own (src/graphql/budget.ts: items and answer bytes, no
 * clock, since a subscription lives as long as its client wants), fresh loaders (an event reads the graph as it
 * is then, not as an earlier event saw it) and a database view without the request's deadline. The bytes an
 * event charged go back to the service's count once it is sent, and when the subscription ends.
 */
export function useSubscriptionBudgets(
  feed: ChangeFeed,
  limits: LimitsConfig,
  inFlight: BytesInFlight,
): Plugin<GraphQLContext> {
  const renew = (context: GraphQLContext) => {
    context.budget.finish();
    const budget = new RequestBudget(limits, inFlight);
    Object.assign(context, initContextCache(), { budget, db: feed.db.withSignal(budget.signal) });
  };
  return {
    onSubscribe({ args }) {
      const context = args.contextValue;
      renew(context);
      return {
        onSubscribeResult: () => ({
          onNext: () => renew(context),
          onEnd: () => context.budget.finish(),
        }),
      };
    },
  };
}

/**
 * Serves graphql-ws on `server`'s /graphql (the WebSocket upgrade of the same port as SSE and queries), through
 * `yoga`'s plugins: a connection's key is its upgrade request's Authorization header, or `authorization` in its
 * connection_init payload (browsers cannot set headers on a WebSocket). A ping every `heartbeatMs`; a connection
 * whose pong does not come within as long is closed. A message is at most `maxBodyBytes`, as a request body is.
 * A wrong key closes the connection (4401), so that trying keys costs a connection each. Answers a stop
 * function, which closes every WebSocket.
 */
export function serveWebSocket(
  server: Server,
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>,
  config: SubscriptionsConfig,
  maxBodyBytes: number,
  log: Logger,
): () => Promise<void> {
  const wss = new WebSocketServer({ server, path: "/graphql", maxPayload: maxBodyBytes });
  type Extra = { socket: import("ws").WebSocket; request: IncomingMessage };
  const served = useServer<Record<string, unknown> | undefined, Extra>(
    {
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
      onSubscribe: async (ctx: WsContext<Record<string, unknown> | undefined, Extra>, _id, payload) => {
        const { request: upgrade, socket } = ctx.extra;
        const headers = new Headers();
        for (const [name, value] of Object.entries(upgrade.headers)) {
          if (typeof value === "string") headers.set(name, value);
        }
        const presented = ctx.connectionParams?.authorization;
        if (typeof presented === "string") headers.set("authorization", presented);
        const request = new Request(`http://${upgrade.headers.host ?? "localhost"}/graphql`, { headers });
        const enveloped = yoga.getEnveloped({ request, req: upgrade, transport: "ws", params: payload });
        const document = enveloped.parse(payload.query);
        if (document instanceof Error) return [document as GraphQLError];
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        let contextValue: GraphQLContext;
        try {
          contextValue = (await enveloped.contextFactory()) as unknown as GraphQLContext;
        } catch (error) {
          if (error instanceof DomainError && error.code === "UNAUTHENTICATED") {
            socket.close(4401, "Unauthorized");
          }
          return [error instanceof DomainError ? toGraphQLError(error) : new GraphQLError("Internal error")];
        }
        return {
          schema: enveloped.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
    },
    wss,
    config.heartbeatMs,
  );
  wss.on("error", (error) => log.warn({ err: error }, "WebSocket server error"));
  // Closes every WebSocket (1001, going away) and stops accepting new ones.
  return async () => {
    await served.dispose();
  };
}

type Enveloped = {
  execute: (args: unknown) => ReturnType<NonNullable<Parameters<typeof useServer>[0]["execute"]>>;
  subscribe: (args: unknown) => ReturnType<NonNullable<Parameters<typeof useServer>[0]["subscribe"]>>;
};
