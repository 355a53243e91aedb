import { pino } from "pino";

export type Logger = pino.Logger;

/** Structured JSON logs; pretty, one line per event, when a person is watching a terminal. */
export function createLogger(options: {
  level: string;
  format: "auto" | "json" | "pretty" | string;
}): Logger {
  const pretty = options.format === "pretty" || (options.format === "auto" && process.stdout.isTTY);
  return pino({
    level: options.level,
    base: undefined,
    redact: {
      paths: ["req.headers.authorization", "req.headers['x-api-key']", "password"],
      censor: "[redacted]",
    },
    ...(pretty
      ? { transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l" } } }
      : {}),
  });
}
