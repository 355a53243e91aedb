import { pino } from "pino";

export type Logger = pino.Logger;

/** Structured JSON logs; pretty, one line per event, when a person is watching a terminal. */
export function createLogger(options: {
  level: string;
  format: "auto" | "json" | "pretty" | string;
}): Logger {
  const pretty = options.format === "pretty" || (options.format === "auto" && process.stdout.isTTY);
  const settings = {
    level: options.level,
    base: undefined,
    redact: {
      paths: ["req.headers.authorization", "req.headers['x-api-key']", "password"],
      censor: "[redacted]",
    },
  };
  if (pretty) {
    return pino({
      ...settings,
      transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l" } },
    });
  }
  // Asynchronous writes: lines logged while one write is under way go out together in the next, where a
  // synchronous write per request line cost a measurable share of a small request's CPU (decision record
  // 015). Nothing waits for more lines, so each still leaves at once; pino flushes what is left at exit.
  return pino(settings, pino.destination({ dest: 1, sync: false }));
}
