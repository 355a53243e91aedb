import path from "node:path";
import { inject } from "vitest";
import type { NlpConfig } from "../../src/config.js";
import { projectRoot } from "../../src/domain/project.js";
import { annotateFrench } from "../../src/nlp/client.js";

/** How long a file waits for the run's CoreNLP server to finish loading its models, in milliseconds. */
const readyWithinMs = 300_000;

/**
 * Waits until the test run's CoreNLP server (started in the background by ./global-setup.ts) annotates a
 * sentence, and answers its URL. Rejects after 300 s, with the last error. Use it in a `beforeAll` with a hook
 * timeout above that.
 */
export async function testNlpReady(): Promise<string> {
  const url = inject("corenlpUrl");
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    try {
      await annotateFrench(url, "Bonjour.", { timeoutMs: 10_000 });
      return url;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`the test run's CoreNLP server at ${url} did not answer within ${readyWithinMs} ms`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** An NlpService configuration that asks the run's shared CoreNLP server (as CORENLP_URL would). */
export function testNlpConfig(overrides: Partial<NlpConfig> = {}): NlpConfig {
  return {
    mode: "on-demand",
    url: inject("corenlpUrl"),
    port: 0,
    heapMb: 2560,
    threads: 2,
    timeoutMs: 60_000,
    maxChars: 100_000,
    logFile: path.join(projectRoot, ".data", `test-corenlp-${process.pid}.log`),
    ...overrides,
  };
}
