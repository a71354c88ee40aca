// Benchmark of the embedded Seismic simulator at the size of a large tenant (100,000 users,
// 5,000 groups, ~500,000 memberships): start-up time, peak memory, and the time a client needs to
// page through every user and every group with count=100, rate limit off.
// Run: npm run build && node dist/bench/simulator.js [users] [groups]

import { getToken } from "../src/simulator/harness.js";
import { startSimulator } from "../src/simulator/index.js";

const users = Number(process.argv[2] ?? 100_000);
const groups = Number(process.argv[3] ?? 5_000);

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function pageAll(
  base: string,
  path: string,
  token: string,
): Promise<{ ms: number; items: number; pages: number }> {
  const t0 = performance.now();
  let items = 0;
  let pages = 0;
  for (let start = 1; ; start += 100) {
    const sep = path.includes("?") ? "&" : "?";
    const res = await fetch(`${base}${path}${sep}startIndex=${start}&count=100`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
    const body = (await res.json()) as { totalResults: number; Resources: unknown[] };
    items += body.Resources.length;
    pages++;
    if (start + 100 > body.totalResults) break;
  }
  return { ms: performance.now() - t0, items, pages };
}

const t0 = performance.now();
const sim = await startSimulator({ users, groups, rateLimit: false });
const startMs = performance.now() - t0;
const rssAfterStart = process.memoryUsage().rss;
const token = await getToken(sim);

const u = await pageAll(sim.apiUrl, "/scim/v2/Users", token);
const g = await pageAll(sim.apiUrl, "/scim/v2/Groups", token);
const gSlim = await pageAll(sim.apiUrl, "/scim/v2/Groups?excludedAttributes=members", token);
const maxRss = process.resourceUsage().maxRSS * 1024;
await sim.close();

const rows: [string, string][] = [
  ["node", process.version],
  ["users / groups / memberships", `${users} / ${groups} / ${sim.state.membershipCount()}`],
  ["start-up (seed + listen)", secs(startMs)],
  ["RSS after start-up", mb(rssAfterStart)],
  [
    "page all users, count=100",
    `${secs(u.ms)} (${u.pages} pages, ${u.items} users, ${(u.ms / u.pages).toFixed(1)} ms/page)`,
  ],
  ["page all groups with members, count=100", `${secs(g.ms)} (${g.pages} pages)`],
  ["page all groups, excludedAttributes=members", `${secs(gSlim.ms)} (${gSlim.pages} pages)`],
  ["peak RSS (maxRSS)", mb(maxRss)],
];
const w = Math.max(...rows.map(([k]) => k.length));
console.log("Seismic simulator benchmark");
for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
