import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES, resolveConfig } from "./config.js";
import { SeismicError } from "./errors.js";

const base = { tenant: "acme", clientId: "id", clientSecret: "cs-SECRET-x", delegationUserId: "u" };

describe("resolveConfig", () => {
  it("fills in defaults", () => {
    const config = resolveConfig(base);
    expect(config.apiUrl.href).toBe("https://api.seismic.com/");
    expect(config.authUrl.href).toBe("https://auth.seismic.com/");
    expect(config.scopes).toEqual(DEFAULT_SCOPES);
    expect(config.rateLimit).toEqual({ limit: 600, windowMs: 60_000 });
    expect(config.maxRetries).toBe(5);
    expect(config.timeouts).toEqual({ connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000 });
    expect(config.scimToken).toBeUndefined();
  });

  it("accepts overrides and disabling the limiter", () => {
    const config = resolveConfig({
      ...base,
      apiUrl: "http://127.0.0.1:8080/proxy/",
      scopes: ["seismic.user.view"],
      rateLimit: false,
      maxRetries: 0,
    });
    expect(config.apiUrl.pathname).toBe("/proxy/");
    expect(config.rateLimit).toBe(false);
    expect(config.maxRetries).toBe(0);
  });

  it.each([
    [{ tenant: "" }, "tenant is required"],
    [{ clientSecret: " " }, "clientSecret is required"],
    [{ tenant: "acme.seismic.com" }, "not a tenant name"],
    [{ apiUrl: "ftp://x" }, "apiUrl must be an http(s) URL"],
    [{ authUrl: "not a url" }, "authUrl"],
    [{ apiUrl: "https://user:pw@x" }, "must not contain credentials"],
    [{ rateLimit: { limit: 0 } }, "rateLimit.limit"],
    [{ maxRetries: -1 }, "maxRetries"],
    [{ scimToken: "" }, "scimToken is empty"],
    [{ scopes: ["a b"] }, "scopes"],
  ])("rejects %j", (override, message) => {
    let error: unknown;
    try {
      resolveConfig({ ...base, ...override });
    } catch (e) {
      error = e;
    }
    expect(SeismicError.is(error, "invalid_config")).toBe(true);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("cs-SECRET");
  });
});
