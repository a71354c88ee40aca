/**
 * What a connector tells ConductorOne about itself in `Hello`:
 * its build (language version, package, version) and the host it runs on. Every OS field is
 * filled, with the Go SDK's fallbacks (`unknown`, `none`, the OS for the platform), because C1
 * shows them to operators and older C1 validation refused empty ones.
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname, machine, release } from "node:os";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type {
  BatonServiceHelloRequest_BuildInfoSchema,
  BatonServiceHelloRequest_OSInfoSchema,
} from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";

type BuildInfo = MessageInitShape<typeof BatonServiceHelloRequest_BuildInfoSchema>;
type OsInfo = MessageInitShape<typeof BatonServiceHelloRequest_OSInfoSchema>;

/** The proto's limit per field. */
const MAX_FIELD = 256;

/** `node-v24.x`, the binary's npm name and version. */
export function buildInfo(packageName: string, packageVersion: string): BuildInfo {
  return {
    langVersion: clip(`node-${process.version}`, "0.0.0"),
    package: clip(packageName, "/dummy/path"),
    packageVersion: clip(packageVersion, "0.0.0"),
  };
}

/** The host's OS facts, from node:os and /etc/os-release where there is one. */
export function osInfo(): OsInfo {
  const distro = osRelease();
  const os = process.platform;
  const kernelVersion = clip(safe(release), "unknown");
  const platform = clip(distro.ID ?? "", os);
  return {
    hostname: clip(safe(hostname), "unknown"),
    os,
    platform,
    platformVersion: clip(distro.VERSION_ID ?? "", kernelVersion),
    platformFamily: clip(distro.ID_LIKE?.split(" ")[0] ?? "", platform),
    kernelVersion,
    kernelArch: clip(safe(machine), process.arch),
    virtualizationSystem: existsSync("/.dockerenv") ? "docker" : "none",
  };
}

/** The `KEY=value` pairs of /etc/os-release (empty elsewhere). */
function osRelease(): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    for (const line of readFileSync("/etc/os-release", "utf8").split("\n")) {
      const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
      if (m?.[1]) out[m[1]] = m[3] ?? "";
    }
    return out;
  } catch {
    return {};
  }
}

function safe(fn: () => string): string {
  try {
    return fn();
  } catch {
    return "";
  }
}

/** Trimmed to the proto's limit; `fallback` when empty. */
function clip(value: string, fallback: string): string {
  const v = value.trim() || fallback;
  return v.length > MAX_FIELD ? v.slice(0, MAX_FIELD) : v;
}
