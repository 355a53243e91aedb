import { sseBlocks } from "../../bench/sse.js";
/**
 * A GraphQL-over-SSE client as a frontend would write one with fetch (yoga's "distinct connections" mode): POST
 * the document with `accept: text/event-stream`, read `event: next` blocks. Each result is kept with the time it
 * arrived (performance.now(), ms); `waitFor` waits for a count of results, at most a given time.
 */
export interface SseSubscription {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: results are checked field by field
  results: { at: number; result: any }[];
  /** Whether the server sent `event: complete`. */
  completed(): boolean;
  /** Resolves once `count` results arrived or the stream ended; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<void>;
  close(): void;
}

export async function subscribeSse(
  base: string,
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
): Promise<SseSubscription> {
  const controller = new AbortController();
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const results: SseSubscription["results"] = [];
  let complete = false;
  let ended = false;
  let notify = () => {};
  const reading = (async () => {
    try {
      for await (const { event, data } of sseBlocks(response.body as ReadableStream<Uint8Array>)) {
        if (event === "next" && data) results.push({ at: performance.now(), result: JSON.parse(data) });
        if (event === "complete") complete = true;
        notify();
      }
    } catch {
      // Aborted by close().
    } finally {
      ended = true;
      notify();
    }
  })();
  void reading;
  return {
    status: response.status,
    results,
    completed: () => complete,
    waitFor: (count, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${results.length} of ${count} results after ${timeoutMs} ms`)),
          timeoutMs,
        );
        const check = () => {
          if (results.length >= count || ended) {
            clearTimeout(timer);
            resolve();
          }
        };
        const previous = notify;
        notify = () => {
          previous();
          check();
        };
        check();
      }),
    close: () => controller.abort(),
  };
}
