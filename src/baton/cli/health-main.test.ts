// The lean `health` entry handles the probe's own flags and environment, and hands everything
// else to the full CLI; the hand-rolled gRPC frames match the health.proto messages.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  HealthCheckRequestSchema,
  HealthCheckResponseSchema,
} from "../../gen/grpc/health/v1/health_pb.js";
import { leanHealthSettings } from "./health-main.js";
import { checkRequestFrame, servingStatus } from "./health-probe.js";

const noFile = () => false;

describe("leanHealthSettings", () => {
  it("reads the probe's flags (both spellings) and falls back on BATON_LISTEN and BATON_TLS_*", () => {
    expect(
      leanHealthSettings(
        ["--addr=127.0.0.1:1", "--timeout", "2", "--service", "x", "--log-format", "json"],
        { BATON_LISTEN: "0.0.0.0:9", BATON_TLS_CLIENT_CA: "ca.pem" },
        noFile,
      ),
    ).toEqual({
      addr: "127.0.0.1:1",
      timeout: "2",
      "server-name": undefined,
      service: "x",
      listen: "0.0.0.0:9",
      tlsClientCa: "ca.pem",
      tlsCert: undefined,
      tlsKey: undefined,
    });
    expect(leanHealthSettings([], {}, noFile)?.listen).toBe("127.0.0.1:50051");
  });

  it("leaves config files, help, unknown flags and debug logging to the full CLI", () => {
    for (const args of [["--help"], ["-h"], ["--nope", "1"], ["--addr"], ["--log-level", "debug"]])
      expect(leanHealthSettings(args, {}, noFile), args.join(" ")).toBeUndefined();
    expect(leanHealthSettings([], { BATON_CONFIG_PATH: "c.yaml" }, noFile)).toBeUndefined();
    expect(leanHealthSettings([], {}, () => true)).toBeUndefined();
  });
});

describe("the probe's gRPC frames", () => {
  it("encode HealthCheckRequest and decode HealthCheckResponse like protobuf-es", () => {
    for (const service of ["", "c1.connector.v2.ConnectorService", "x".repeat(300)]) {
      const frame = checkRequestFrame(service);
      expect(frame.readUInt32BE(1)).toBe(frame.length - 5);
      expect(fromBinary(HealthCheckRequestSchema, frame.subarray(5)).service).toBe(service);
    }
    for (const status of [0, 1, 2, 3]) {
      const message = toBinary(
        HealthCheckResponseSchema,
        create(HealthCheckResponseSchema, { status }),
      );
      const header = Buffer.alloc(5);
      header.writeUInt32BE(message.length, 1);
      expect(servingStatus(Buffer.concat([header, message]))).toBe(status);
    }
    // An unknown field before the status is skipped; a compressed frame is not read.
    const withExtra = Buffer.from([0, 0, 0, 0, 5, 0x12, 0x01, 0x61, 0x08, 0x01]);
    expect(servingStatus(withExtra)).toBe(1);
    expect(servingStatus(Buffer.from([1, 0, 0, 0, 2, 0x08, 0x01]))).toBe(0);
  });
});
