/**
 * Timestamps as the Go SDK writes them into c1z text columns (`discovered_at`, `started_at`,
 * `ended_at`): Go layout `2006-01-02 15:04:05.999999999`, i.e. local wall time without a zone and
 * with trailing fractional zeros (and a bare dot) trimmed. JavaScript clocks stop at milliseconds,
 * so at most three fractional digits are written.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** `YYYY-MM-DD HH:MM:SS[.fff]` in local time. */
export function formatC1zTime(date: Date): string {
  const base =
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const ms = date.getMilliseconds();
  if (ms === 0) return base;
  return `${base}.${pad(ms, 3).replace(/0+$/, "")}`;
}

const LAYOUT =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a c1z timestamp back into a Date: local wall time when it has no zone (our layout and
 * the Go writer's), or the given zone when one is present (some tools store RFC 3339 text).
 * Returns undefined for anything else.
 */
export function parseC1zTime(text: string | null | undefined): Date | undefined {
  if (!text) return undefined;
  const m = LAYOUT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = "", zone] = m;
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  const parts = [
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    ms,
  ] as const;
  if (zone === undefined) return new Date(...parts);
  const utc = Date.UTC(...parts);
  if (zone === "Z") return new Date(utc);
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return new Date(utc - sign * offsetMinutes * 60_000);
}
