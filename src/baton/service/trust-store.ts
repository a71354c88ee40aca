/**
 * The certificate authorities service mode trusts: Node's bundled roots, the operating system's
 * store and `NODE_EXTRA_CA_CERTS` (for a private CA or a TLS-inspecting proxy). Node alone trusts
 * only its bundled roots and the extra file; a corporate root installed on the host is in the
 * system store, which is what a Go connector trusts.
 */
import { getCACertificates } from "node:tls";

let cached: string[] | undefined;

/** The roots for every connection to ConductorOne (computed once). */
export function trustedCertificates(): string[] {
  if (!cached) {
    // "default" holds the bundled roots plus NODE_EXTRA_CA_CERTS; "system" may be unreadable.
    const roots = new Set(getCACertificates("default"));
    try {
      for (const c of getCACertificates("system")) roots.add(c);
    } catch {
      // No readable system store (e.g. a distroless image): the bundled roots remain.
    }
    cached = [...roots];
  }
  return cached;
}
