import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import {
  checkPlaintextAllowed,
  formatHostPort,
  isLoopbackHost,
  parseListenAddress,
  plaintextWarning,
} from "./listen-address.js";

describe("listen addresses", () => {
  it("parses host:port, [ipv6]:port and names", () => {
    expect(parseListenAddress("127.0.0.1:50051")).toEqual({ host: "127.0.0.1", port: 50051 });
    expect(parseListenAddress("[::1]:0")).toEqual({ host: "::1", port: 0 });
    expect(parseListenAddress("localhost:8080")).toEqual({ host: "localhost", port: 8080 });
    expect(formatHostPort({ host: "::1", port: 1 })).toBe("[::1]:1");
    expect(formatHostPort({ host: "127.0.0.1", port: 1 })).toBe("127.0.0.1:1");
  });

  it("rejects malformed values with a UsageError naming --listen", () => {
    for (const bad of ["", "50051", ":50051", "host:", "host:65536", "::1:50051", "[host]:1"]) {
      expect(() => parseListenAddress(bad)).toThrow(UsageError);
      expect(() => parseListenAddress(bad)).toThrow(/--listen/);
    }
  });

  it("knows loopback: 127.0.0.0/8, ::1 (also spelled out or IPv4-mapped) and localhost", () => {
    for (const h of ["127.0.0.1", "127.255.0.9", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"]) {
      expect(isLoopbackHost(h)).toBe(true);
    }
    expect(isLoopbackHost("LocalHost")).toBe(true);
    for (const h of [
      "0.0.0.0",
      "::",
      "192.0.2.1",
      "128.0.0.1",
      "::ffff:10.0.0.1",
      "example.test",
    ]) {
      expect(isLoopbackHost(h)).toBe(false);
    }
  });

  it("allows plaintext off loopback only with the explicit opt-in", () => {
    const open = { host: "0.0.0.0", port: 50051 };
    expect(() => checkPlaintextAllowed(open, false)).toThrow(
      /--tls-cert and --tls-key.*--insecure-plaintext/,
    );
    expect(() => checkPlaintextAllowed(open, true)).not.toThrow();
    expect(() => checkPlaintextAllowed({ host: "::1", port: 1 }, false)).not.toThrow();
  });

  it("warns at start-up about plaintext off loopback, naming provisioning and the fixes", () => {
    expect(plaintextWarning({ host: "127.0.0.1", port: 50051 }, true)).toBeUndefined();
    expect(plaintextWarning({ host: "0.0.0.0", port: 50051 }, true)).toBe(
      "serving plaintext gRPC on 0.0.0.0:50051 (--insecure-plaintext): anyone who can reach this port can call the connector, provisioning included (grant, revoke, create and delete accounts), without credentials; let only the Baton host reach it (a NetworkPolicy or firewall), or serve TLS with --tls-cert and --tls-key and require client certificates with --tls-client-ca",
    );
    expect(plaintextWarning({ host: "::", port: 1 }, false)).toMatch(
      /^serving plaintext gRPC on \[::\]:1 \(--insecure-plaintext\): anyone who can reach this port can call the connector without credentials;/,
    );
  });
});
