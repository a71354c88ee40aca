// The README's Kubernetes manifests (the sidecar and CronJob of "Kubernetes", the service-mode
// Deployment of "Running under ConductorOne"), checked for what makes them start as written: a
// numeric non-root user that matches the image's, fsGroup, every claim and volume defined, a
// read-only root filesystem with writable volumes where files are written, requests and limits,
// probes with timeouts on the served port, a NetworkPolicy in front of plaintext, and only
// BATON_* variables that the binary reads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { envName } from "../src/baton/cli/fields.js";
import { standardFields } from "../src/baton/cli/standard-fields.js";
import { OTHER_KNOWN_VARIABLES } from "../src/baton/cli/unknown-env.js";
import { seismicFields } from "../src/connector/config.js";
import { root } from "./helpers/run-bin.js";

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, walked by the checks below
type Json = Record<string, any>;

const readme = readFileSync(join(root, "README.md"), "utf8");
/** The documents of the first YAML block after `heading`. */
function manifests(heading: string): Json[] {
  const section = readme.slice(readme.indexOf(heading));
  const yamlBlock = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return parseAllDocuments(yamlBlock).map((d) => d.toJS() as Json);
}
const sidecarDocs = manifests("### Kubernetes");
const serviceDocs = manifests("## Running under ConductorOne");
const docs = [...sidecarDocs, ...serviceDocs];
const byKind = (kind: string, from: Json[] = docs) => from.filter((d) => d.kind === kind);
const dockerUser = /^USER (\d+):(\d+)$/m.exec(readFileSync(join(root, "Dockerfile"), "utf8"));

/** Every pod template: the Deployment's and the CronJob's. */
function podSpecs(): { name: string; spec: Json; labels: Json }[] {
  return [
    ...byKind("Deployment").map((d) => ({
      name: String(d.metadata.name),
      spec: d.spec.template.spec,
      labels: d.spec.template.metadata?.labels ?? {},
    })),
    ...byKind("CronJob").map((c) => ({
      name: String(c.metadata.name),
      spec: c.spec.jobTemplate.spec.template.spec,
      labels: c.spec.jobTemplate.spec.template.metadata?.labels ?? {},
    })),
  ];
}

const mebibytes = (q: string) => {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  return m ? Number(m[1]) * (m[2] === "Gi" ? 1024 : 1) : Number.NaN;
};

describe("the README's Kubernetes manifests", () => {
  it("parse, and hold a Secret, a Deployment, a NetworkPolicy, a claim and a CronJob", () => {
    expect(sidecarDocs.map((d) => d.kind)).toEqual([
      "Secret",
      "Deployment",
      "NetworkPolicy",
      "PersistentVolumeClaim",
      "CronJob",
    ]);
    expect(serviceDocs.map((d) => d.kind)).toEqual(["Secret", "Deployment"]);
  });

  it("run as the image's numeric non-root user, with fsGroup", () => {
    expect(dockerUser).not.toBeNull();
    const [, uid, gid] = dockerUser ?? [];
    for (const { name, spec } of podSpecs()) {
      expect(spec.securityContext, name).toMatchObject({
        runAsNonRoot: true,
        runAsUser: Number(uid),
        runAsGroup: Number(gid),
        fsGroup: Number(gid),
      });
    }
  });

  it("mount writable volumes wherever files are written, on a read-only root filesystem", () => {
    const claims = byKind("PersistentVolumeClaim").map((c) => c.metadata.name);
    for (const { name, spec } of podSpecs()) {
      const volumes = new Map((spec.volumes ?? []).map((v: Json) => [v.name, v]));
      for (const v of volumes.values()) {
        const claim = (v as Json).persistentVolumeClaim?.claimName;
        if (claim) expect(claims, `${name}: claim ${claim}`).toContain(claim);
      }
      for (const c of spec.containers) {
        expect(c.securityContext?.readOnlyRootFilesystem, name).toBe(true);
        const mounts = new Map((c.volumeMounts ?? []).map((m: Json) => [m.mountPath, m.name]));
        for (const volume of mounts.values())
          expect(volumes.has(volume), `${name}: ${volume}`).toBe(true);
        // The reader's temporary copies go to /tmp.
        expect(mounts.has("/tmp"), `${name}: /tmp`).toBe(true);
        const args: string[] = c.args ?? [];
        const file = args[args.indexOf("--file") + 1];
        if (args.includes("--file"))
          expect(
            [...mounts.keys()].some((p) => file?.startsWith(`${p}/`)),
            `${name}: ${file}`,
          ).toBe(true);
      }
    }
  });

  it("set requests and limits, limits at least the requests", () => {
    for (const { name, spec } of podSpecs()) {
      for (const c of spec.containers) {
        const { requests, limits } = c.resources ?? {};
        expect(mebibytes(limits?.memory), name).toBeGreaterThanOrEqual(mebibytes(requests?.memory));
        expect(requests?.cpu, name).toBeDefined();
        expect(limits?.cpu, name).toBeDefined();
      }
    }
  });

  it("probe the served port over gRPC with a timeout, and guard plaintext with a NetworkPolicy", () => {
    for (const d of byKind("Deployment", sidecarDocs)) {
      const c = d.spec.template.spec.containers[0];
      const port = c.ports[0].containerPort;
      expect(c.args).toContain("serve");
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        expect(probe.grpc.port).toBe(port);
        expect(probe.timeoutSeconds).toBeGreaterThanOrEqual(1);
      }
      const env = new Map((c.env ?? []).map((e: Json) => [e.name, e.value]));
      expect(env.get("BATON_LISTEN")).toBe(`0.0.0.0:${port}`);
      if (env.get("BATON_INSECURE_PLAINTEXT") === "true") {
        const labels = d.spec.template.metadata.labels;
        const policy = byKind("NetworkPolicy").find((p) =>
          Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v),
        );
        expect(policy, "a NetworkPolicy for the plaintext Deployment").toBeDefined();
        expect(policy?.spec.policyTypes).toContain("Ingress");
        expect(policy?.spec.ingress[0].ports[0].port).toBe(port);
        expect(policy?.spec.ingress[0].from[0].podSelector).toBeDefined();
      }
    }
  });

  it("service mode: HTTP probes on the health endpoints it serves, each with a timeout", () => {
    const [d] = byKind("Deployment", serviceDocs);
    const c = d?.spec.template.spec.containers[0];
    const env = new Map((c.env ?? []).map((e: Json) => [e.name, e.value]));
    expect(env.get("BATON_HEALTH_CHECK")).toBe("true");
    const port = c.ports.find((p: Json) => p.name === "health");
    expect(port?.containerPort).toBe(Number(env.get("BATON_HEALTH_CHECK_PORT") ?? 8081));
    for (const [probe, path] of [
      [c.readinessProbe, "/ready"],
      [c.livenessProbe, "/live"],
    ]) {
      expect(probe.httpGet).toEqual({ path, port: "health" });
      expect(probe.timeoutSeconds).toBeGreaterThanOrEqual(1);
    }
  });

  it("use only BATON_ variables that the binary reads", () => {
    const known = new Set([
      ...[...standardFields, ...seismicFields].map((f) => envName(f.name)),
      ...OTHER_KNOWN_VARIABLES,
    ]);
    const used = [
      ...byKind("Secret").flatMap((s) => Object.keys(s.stringData ?? {})),
      ...podSpecs().flatMap(({ spec }) =>
        spec.containers.flatMap((c: Json) => (c.env ?? []).map((e: Json) => e.name)),
      ),
    ];
    expect(used.length).toBeGreaterThan(4);
    for (const name of used) expect(known.has(name), name).toBe(true);
  });
});
