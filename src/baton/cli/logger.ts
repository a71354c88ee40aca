/**
 * Logs: pino JSON lines on stderr by default, a compact console format for people, and two layers
 * of secret protection: known secret keys are redacted by path, and every registered secret value
 * (client secret, tokens) is scrubbed from the final bytes of every line, whatever field it hid in.
 */
import { type Logger, pino } from "pino";
import { stderrLine } from "./live-line.js";

export type { Logger };

const REDACT_PATHS = [
  "clientSecret",
  "*.clientSecret",
  "client_secret",
  "*.client_secret",
  "accessToken",
  "*.accessToken",
  "access_token",
  "*.access_token",
  "scimToken",
  "*.scimToken",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
];

/** Values that must never be written, whatever field they appear in. */
export class SecretScrubber {
  private readonly secrets = new Set<string>();

  /** Registers a secret value (ignored when too short to be a meaningful secret). */
  add(value: string | undefined): void {
    if (value && value.length >= 6) this.secrets.add(value);
  }

  /** Forgets a secret that can no longer be used (an expired access token). */
  remove(value: string): void {
    this.secrets.delete(value);
  }

  /** Replaces every registered secret (and its URL- and JSON-escaped forms) with a marker. */
  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      for (const form of [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]) {
        if (out.includes(form)) out = out.split(form).join("[REDACTED]");
      }
    }
    return out;
  }
}

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

/** Turns one pino JSON line into `HH:MM:SS LEVEL message key=value …`. */
export function consoleLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, levelName: _name, time, msg, pid: _pid, hostname: _host, ...rest } = rec;
  const t = typeof time === "number" ? new Date(time).toISOString().slice(11, 19) : "";
  const extras = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${t} ${(LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5)} ${String(msg ?? "")}${extras ? ` ${extras}` : ""}\n`;
}

export interface LoggerOptions {
  level: string;
  format: "json" | "console";
  scrubber: SecretScrubber;
  /** Where lines go (default: stderr, above any live progress line; stdout stays for output). */
  write?: (line: string) => void;
}

/** Creates the process logger. */
export function createLogger(options: LoggerOptions): Logger {
  // Through the live progress line, so a log line never lands in the middle of it.
  const write = options.write ?? ((line: string) => stderrLine.print(line));
  const stream = {
    write(line: string) {
      const clean = options.scrubber.scrub(line);
      write(options.format === "console" ? consoleLine(clean) : clean);
    },
  };
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      formatters: { level: (label, number) => ({ level: number, levelName: label }) },
    },
    stream,
  );
}
