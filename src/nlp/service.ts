import type { NlpConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { NlpAnnotation } from "./annotation.js";
import { annotateFrench, NlpUnavailable } from "./client.js";
import { type CoreNlpServer, startCoreNlpServer } from "./server.js";

/** What the NLP process made of a text, or why it could not be asked. */
export type NlpResult = { ran: true; annotation: NlpAnnotation } | { ran: false; reason: string };

/**
 * The French NLP the intake asks: an external CoreNLP (CORENLP_URL), or our own server, started with the
 * service (NLP=start) or on first use (NLP=on-demand), or none (NLP=off). It never throws for a text: when NLP
 * is off, cannot start, is down, too slow, or the text is too long, `annotate` answers `{ ran: false, reason }`
 * and intake goes on with what the gazetteer finds.
 */
export class NlpService {
  private server: Promise<CoreNlpServer> | undefined;
  private stopped = false;

  constructor(
    private readonly config: NlpConfig,
    private readonly log: Logger,
  ) {}

  /** Starts our own server now when NLP=start; does nothing otherwise. Resolves once it is ready. */
  async startIfConfigured(): Promise<void> {
    if (this.config.mode === "start" && !this.config.url) await this.ownServer();
  }

  /** Where requests go now, starting our server first if it is needed and not running. */
  private async serverUrl(): Promise<string> {
    if (this.config.url) return this.config.url;
    return (await this.ownServer()).url;
  }

  private ownServer(): Promise<CoreNlpServer> {
    if (this.stopped) return Promise.reject(new NlpUnavailable("the service is stopping"));
    if (!this.server) {
      this.server = startCoreNlpServer(this.config, this.log);
      // A start that failed is tried again by the next text, not remembered for ever.
      this.server.catch(() => {
        this.server = undefined;
      });
    }
    return this.server;
  }

  /** The pid of our own server's JVM, or null when none runs (external server, off, not started yet). */
  async serverPid(): Promise<number | null> {
    return this.server ? ((await this.server.catch(() => null))?.pid ?? null) : null;
  }

  /** Annotates `text`; see the class. `signal` aborts the wait (the request that asked went away). */
  async annotate(text: string, signal?: AbortSignal): Promise<NlpResult> {
    if (this.config.mode === "off")
      return { ran: false, reason: "NLP is turned off on this server (NLP=off)" };
    if (text.length > this.config.maxChars) {
      return {
        ran: false,
        reason: `the text has ${text.length} characters, more than CORENLP_MAX_CHARS (${this.config.maxChars})`,
      };
    }
    try {
      const url = await this.serverUrl();
      return {
        ran: true,
        annotation: await annotateFrench(url, text, { timeoutMs: this.config.timeoutMs, signal }),
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.warn({ err: error }, `French NLP not run: ${reason}`);
      return { ran: false, reason: `the NLP process is unavailable: ${reason}` };
    }
  }

  /** Stops our own server, if one was started; later texts are answered without NLP. */
  async stop(): Promise<void> {
    this.stopped = true;
    const server = await this.server?.catch(() => undefined);
    await server?.stop();
  }
}
