// The ConnectorDefinition: `--demo` starts the embedded tenant, registers its secret with the
// scrubber and closes it with the connector; without demo, missing flags are a UsageError.
import { describe, expect, it } from "vitest";
import { createLogger, SecretScrubber } from "../baton/cli/logger.js";
import { UsageError } from "../baton/errors.js";
import { seismicDefinition } from "./definition.js";
import { walk } from "./test-support/sim-connector.js";

describe("seismicDefinition", () => {
  it("runs --demo against the embedded tenant and keeps its secret out of the logs", async () => {
    const scrubber = new SecretScrubber();
    const lines: string[] = [];
    const logger = createLogger({
      level: "debug",
      format: "json",
      scrubber,
      write: (l) => lines.push(l),
    });
    const instance = await seismicDefinition.create(
      { demo: true, seismicRateLimit: 600 },
      { logger, scrubber },
    );
    try {
      const ctx = { signal: new AbortController().signal, activeSyncId: "demo" };
      await instance.connector.validate(ctx);
      const user = instance.connector.syncers.find((s) => s.resourceType.id === "user");
      const users = await walk(
        (p) => user?.list(undefined, p, ctx) ?? Promise.resolve({ items: [] }),
      );
      expect(users.items.length).toBe(250);
      expect(scrubber.scrub("secret is sim-secret")).toBe("secret is [REDACTED]");
      logger.info({ clientSecret: "sim-secret", note: "sim-secret" }, "check");
      await instance.connector.cleanup?.(ctx);
    } finally {
      await instance.close();
    }
    expect(lines.join("")).not.toContain("sim-secret");
    expect(lines.join("")).toContain("Seismic API usage");
  });

  it("asks for the missing flags without --demo", async () => {
    const scrubber = new SecretScrubber();
    const logger = createLogger({ level: "error", format: "json", scrubber, write: () => {} });
    await expect(seismicDefinition.create({}, { logger, scrubber })).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(
      seismicDefinition.create(
        {
          seismicTenant: "t",
          seismicClientId: "i",
          seismicClientSecret: "s",
          seismicDelegationUserId: "u",
          seismicApiUrl: "ftp://x",
        },
        { logger, scrubber },
      ),
    ).rejects.toThrow(
      /^--seismic-api-url \(BATON_SEISMIC_API_URL\): "ftp:\/\/x" is not an http\(s\) URL/,
    );
  });

  it("creates a capabilities-only connector with every type", () => {
    const c = seismicDefinition.createForCapabilities();
    expect(c.syncers.map((s) => s.resourceType.id)).toEqual([
      "user",
      "group",
      "role",
      "platform_role",
      "license",
    ]);
  });
});
