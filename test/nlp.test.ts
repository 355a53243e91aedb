import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../src/domain/project.js";
import { freePort } from "../src/net.js";
import { annotateFrench } from "../src/nlp/client.js";
import { type CoreNlpServer, startCoreNlpServer } from "../src/nlp/server.js";
import { NlpService } from "../src/nlp/service.js";
import { capturedLog } from "./support/db.js";
import { testNlpConfig, testNlpReady } from "./support/nlp.js";

/**
 * What the sockets listening on `port` are bound to, read from the kernel's tables (/proc/net/tcp, tcp6):
 * "loopback" for 127.0.0.1 (also as ::ffff:127.0.0.1) and ::1, else the address in the table's hex.
 */
async function listeningAddresses(port: number): Promise<string[]> {
  const loopback = new Set([
    "0100007F",
    "0000000000000000FFFF00000100007F",
    "00000000000000000000000001000000",
  ]);
  const found = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (await readFile(table, "utf8")).split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, hexPort] = (local ?? "").split(":");
      if (state === "0A" && hexPort && Number.parseInt(hexPort, 16) === port && address) {
        found.add(loopback.has(address) ? "loopback" : address);
      }
    }
  }
  return [...found];
}

/**
 * Sentences and words from a CoreNLP server asked only to tokenize `text`: what a server started with
 * "tokenize,ssplit" preloaded answers at once.
 */
async function tokenize(url: string, text: string): Promise<string[][]> {
  const target = new URL(url);
  target.searchParams.set(
    "properties",
    JSON.stringify({ annotators: "tokenize,ssplit", outputFormat: "json" }),
  );
  const response = await fetch(target, { method: "POST", body: text, signal: AbortSignal.timeout(60_000) });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { sentences: { tokens: { word: string }[] }[] };
  return body.sentences.map((sentence) => sentence.tokens.map((token) => token.word));
}

/**
 * The French NLP process, for real: our CoreNLP server built from Maven Central and started as its own
 * process, its answers read into code points, its death noticed and repaired by the supervisor, and the
 * service's answers when NLP is off or unreachable. Annotations come from the test run's shared server; the
 * process itself (loopback, supervision) is tried on one of this file's own, which it kills, started with only
 * the tokenizer loaded: ready in seconds where the whole French pipeline takes a minute and more (decision 031).
 */
describe("the French NLP process", () => {
  const { log, logged } = capturedLog();
  let url: string;

  beforeAll(async () => {
    url = await testNlpReady();
  }, 330_000);

  it("annotates French with code-point offsets, contractions and entities", async () => {
    // An astral character (two UTF-16 units, one code point) before the sentences moves every UTF-16 offset by
    // one more than the code-point offset; "du" and "au" are each split into two words.
    const text =
      "🇲🇱 Bamako, 12 mars 2025\nLe groupe Wagner, dirigé par Evgueni Prigojine, a toujours nié sa présence au Mali. « Nous partons », a déclaré le ministère russe de la Défense.";
    const points = [...text];
    const annotation = await annotateFrench(url, text, { timeoutMs: 120_000 });
    // The newline ends the headline's sentence.
    expect(annotation.sentences.length).toBe(3);
    expect(points.slice(annotation.sentences[0]?.start, annotation.sentences[0]?.end).join("")).toBe(
      "🇲🇱 Bamako, 12 mars 2025",
    );
    for (const sentence of annotation.sentences) {
      for (const token of sentence.tokens) {
        expect(points.slice(token.start, token.end).join("")).toBe(token.text);
      }
    }
    const tokens = annotation.sentences.flatMap((sentence) => sentence.tokens);
    const au = tokens.filter((token) => token.text === "au");
    expect(au.map((token) => token.word)).toEqual(["à", "le"]);
    // The passive agent of "dirigé" is Evgueni (Prigojine hangs on it as flat:name).
    const second = annotation.sentences[1]?.tokens ?? [];
    const dirige = second.find((token) => token.text === "dirigé");
    const evgueni = second.find((token) => token.text === "Evgueni");
    expect(evgueni?.head).toBe(dirige?.index);
    expect(evgueni?.relation).toBe("obl:agent");
    const entities = annotation.entities.map((entity) => entity.text);
    expect(entities).toEqual(expect.arrayContaining(["Bamako", "Evgueni Prigojine", "Mali"]));
    for (const entity of annotation.entities) {
      expect(points.slice(entity.start, entity.end).join("")).toBe(entity.text);
    }
  });

  it("answers without NLP, saying why, when it is off, unreachable or given too long a text", async () => {
    const off = new NlpService(testNlpConfig({ mode: "off" }), log);
    expect(await off.annotate("Le Mali.")).toEqual({
      ran: false,
      reason: "NLP is turned off on this server (NLP=off)",
    });
    const unreachable = new NlpService(testNlpConfig({ url: `http://127.0.0.1:${await freePort()}` }), log);
    const down = await unreachable.annotate("Le Mali.");
    expect(down.ran).toBe(false);
    expect(down.ran === false && down.reason).toMatch(
      /^the NLP process is unavailable: CoreNLP at .* cannot be reached/,
    );
    const external = new NlpService(testNlpConfig({ maxChars: 10 }), log);
    const long = await external.annotate("Le Mali et la Russie.");
    expect(long.ran === false && long.reason).toBe(
      "the text has 21 characters, more than CORENLP_MAX_CHARS (10)",
    );
    const ok = await external.annotate("Le Mali.");
    expect(ok.ran && ok.annotation.entities.map((entity) => entity.text)).toEqual(["Mali"]);
    // An external server is not ours to stop.
    await external.stop();
    expect(await external.serverPid()).toBeNull();
  });

  describe("our own server, which the test kills", () => {
    const config = {
      port: 0,
      heapMb: 512,
      threads: 2,
      timeoutMs: 60_000,
      maxChars: 20_000,
      logFile: path.join(projectRoot, ".data", `test-corenlp-${process.pid}.log`),
    };
    let server: CoreNlpServer;

    beforeAll(async () => {
      server = await startCoreNlpServer(config, log, "tokenize,ssplit");
    }, 330_000);
    afterAll(async () => {
      await server?.stop();
    });

    it("listens on loopback only", async () => {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await listeningAddresses(Number(new URL(server.url).port))).toEqual(["loopback"]);
      expect(await tokenize(server.url, "Le Mali et la Russie.")).toEqual([
        ["Le", "Mali", "et", "la", "Russie", "."],
      ]);
    });

    it("is restarted by its supervisor when it dies, on the same address", async () => {
      const before = server.pid;
      process.kill(before, "SIGKILL");
      const deadline = Date.now() + 300_000;
      while (!logged.some((line) => /CoreNLP restarted on/.test(line.msg)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(
        logged.some((line) => line.level === 50 && /CoreNLP died; restarting it in 1 s/.test(line.msg)),
      ).toBe(true);
      expect(server.pid).not.toBe(before);
      expect(await tokenize(server.url, "Le Mali et la Russie.")).toEqual([
        ["Le", "Mali", "et", "la", "Russie", "."],
      ]);
    }, 330_000);
  });
});
