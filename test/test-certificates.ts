/**
 * Throwaway X.509 material for TLS tests: a CA, a server certificate for 127.0.0.1/localhost and a
 * client certificate signed by it, plus a client certificate from an unrelated CA. node:crypto
 * cannot issue certificates, so this shells out to the `openssl` command in a temp directory.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM contents of everything a TLS test needs. */
export interface TestCertificates {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate signed by a CA the server does not trust. */
  strangerCert: string;
  strangerKey: string;
  /** Directory holding the PEM files (`ca.crt`, `server.crt`, `server.key`, ...). */
  dir: string;
  /** Removes the directory. */
  remove(): void;
}

/** Whether the `openssl` command is available. */
export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Generates fresh certificates (P-256 keys, valid for one day). */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "baton-tls-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const makeCa = (name: string) =>
    ssl(
      "req",
      "-x509",
      ...key,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
  const issue = (name: string, ca: string, ext: string, serial: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    ssl("req", ...key, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    ssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.crt`,
      "-CAkey",
      `${ca}.key`,
      "-set_serial",
      serial,
      "-days",
      "1",
      "-out",
      `${name}.crt`,
      "-extfile",
      `${name}.ext`,
    );
  };
  makeCa("ca");
  makeCa("stranger-ca");
  issue(
    "server",
    "ca",
    "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    "1001",
  );
  const clientExt = "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n";
  issue("client", "ca", clientExt, "1002");
  issue("stranger", "stranger-ca", clientExt, "1003");
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return {
    caCert: read("ca.crt"),
    serverCert: read("server.crt"),
    serverKey: read("server.key"),
    clientCert: read("client.crt"),
    clientKey: read("client.key"),
    strangerCert: read("stranger.crt"),
    strangerKey: read("stranger.key"),
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
