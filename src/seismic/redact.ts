// Keeps credentials out of error messages and logs. Seismic (or a proxy in front of it) may echo
// a request back in an error body, so any server text we quote passes through here first.

const REDACTED = "[redacted]";

/** Patterns that look like credentials even when we do not know their value. */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\bBearer\s+[^\s"',;]+/gi,
  /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g,
  /("?(?:client_secret|access_token|refresh_token|password)"?\s*[:=]\s*"?)[^"&\s,}]+/gi,
];

/**
 * Removes known secrets and credential-shaped substrings from text.
 *
 * Register every secret (client secret, static SCIM token, each minted access token) with
 * {@link SecretRedactor.add}; {@link SecretRedactor.scrub} replaces them with `[redacted]`.
 */
export class SecretRedactor {
  readonly #secrets = new Set<string>();
  readonly #maxSecrets: number;

  /** @param maxSecrets how many secrets to remember; the oldest minted tokens are forgotten first. */
  constructor(maxSecrets = 16) {
    this.#maxSecrets = maxSecrets;
  }

  /** Remembers a secret to scrub. Empty and very short values are ignored (they would over-match). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    this.#secrets.delete(secret);
    this.#secrets.add(secret);
    while (this.#secrets.size > this.#maxSecrets) {
      const oldest = this.#secrets.values().next().value;
      if (oldest === undefined) break;
      this.#secrets.delete(oldest);
    }
  }

  /** Returns `text` with every registered secret and credential-shaped substring replaced. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      out = out.split(secret).join(REDACTED);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join(REDACTED);
    }
    for (const pattern of CREDENTIAL_PATTERNS) {
      out = out.replace(pattern, (match, prefix?: string) =>
        typeof prefix === "string" && match.startsWith(prefix)
          ? `${prefix}${REDACTED}`
          : match.toLowerCase().startsWith("bearer")
            ? `Bearer ${REDACTED}`
            : REDACTED,
      );
    }
    return out;
  }
}

/** Shortens server text quoted in errors so a huge HTML error page does not flood logs. */
export function truncate(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}… (${flat.length - max} more chars)`;
}
