// Fails when src/gen/ is not exactly what `buf generate` makes from proto/ today.
// Generates into a temporary directory and compares every file byte for byte.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const fresh = mkdtempSync(join(tmpdir(), "baton-seismic-gen-"));

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

try {
  execFileSync("buf", ["generate", "--output", fresh], { cwd: root, stdio: "inherit" });
  const want = listFiles(join(fresh, "src/gen"));
  const have = listFiles(join(root, "src/gen"));
  const problems = [];
  for (const f of want) {
    if (!have.includes(f)) problems.push(`missing: src/gen/${f}`);
    else if (
      !readFileSync(join(fresh, "src/gen", f)).equals(readFileSync(join(root, "src/gen", f)))
    )
      problems.push(`stale:   src/gen/${f}`);
  }
  for (const f of have) if (!want.includes(f)) problems.push(`extra:   src/gen/${f}`);
  if (problems.length > 0) {
    console.error(
      `src/gen/ does not match proto/. Run \`npm run gen\` and commit the result.\n${problems.join("\n")}`,
    );
    process.exit(1);
  }
  console.log(`src/gen/ is up to date (${want.length} files).`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
