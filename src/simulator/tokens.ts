// Access tokens issued by the auth origin and checked by the API origin. Tokens are opaque random
// strings (like reference tokens); each remembers its scopes, its delegated user and its expiry.

import { randomBytes } from "node:crypto";

export interface TokenInfo {
  /** "oauth" for delegation tokens, "scim" for the static SCIM bearer. */
  kind: "oauth" | "scim";
  scopes: ReadonlySet<string>;
  userId: string | undefined;
  expiresAt: number;
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenInfo>();

  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  issue(userId: string, scopes: readonly string[], lifetimeSeconds: number): string {
    const token = randomBytes(32).toString("base64url");
    const now = this.now();
    this.tokens.set(token, {
      kind: "oauth",
      scopes: new Set(scopes),
      userId,
      expiresAt: now + lifetimeSeconds * 1000,
    });
    // Drop expired tokens now and then so a long-running demo does not grow without bound.
    if (this.tokens.size % 1024 === 0) {
      for (const [t, info] of this.tokens) if (info.expiresAt <= now) this.tokens.delete(t);
    }
    return token;
  }

  /** The token's info, or undefined when it is unknown or expired. */
  verify(token: string): TokenInfo | undefined {
    const info = this.tokens.get(token);
    if (info === undefined) return undefined;
    if (this.now() >= info.expiresAt) {
      this.tokens.delete(token);
      return undefined;
    }
    return info;
  }
}
