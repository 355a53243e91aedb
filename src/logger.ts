import { pino } from "pino";

export type Logger = pino.Logger;

/** Structured JSON logs; pretty, one line per event, when a person is watching a terminal. */
export function createLogger(options: {
  level: string;
  format: "auto" | "json" | "pretty" | string;
}): Logger {
  const pretty = options.format === "pretty" || (options.format === "auto" && process.stdout.isTTY);
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: {
        paths: ["req.headers.authorization", "req.headers['x-api-key']", "password"],
        censor: "[redacted]",
      },
      ...(pretty
        ? {
            transport: {
              target: "pino-pretty",
              options: { colorize: true, translateTime: "SYS:HH:MM:ss.l" },
            },
          }
        : {}),
    },
    pretty ? undefined : standardOutput(),
  );
}

/** Most bytes of log lines held while standard output cannot take them; later lines are dropped. */
const maxPendingLogBytes = 1 << 20;

/**
 * Standard output for JSON log lines. A line that cannot be written (output redirected to a full disk: ENOSPC; a
 * closed pipe: EPIPE) stays pending, up to 1 MiB, and is written with the next line once it can be; it never ends
 * the process, which pino's default output does on any error but EPIPE.
 */
function standardOutput() {
  const output = pino.destination({ dest: 1, sync: true, maxLength: maxPendingLogBytes });
  output.on("error", () => undefined);
  return output;
}
