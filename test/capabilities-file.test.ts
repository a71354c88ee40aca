// baton_capabilities.json is what `baton-seismic capabilities` prints; this fails when a change to
// the connector's resource types or capabilities was not written back to the committed file. The
// comparison is of the JSON values, so reformatting the file (Biome formats JSON) does not matter.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root, run, seismicBin } from "./helpers/run-bin.js";

describe("baton_capabilities.json", () => {
  it("matches the capabilities of the built binary", async () => {
    const r = await run(seismicBin, ["capabilities"]);
    expect(r.code).toBe(0);
    const committed: unknown = JSON.parse(
      readFileSync(join(root, "baton_capabilities.json"), "utf8"),
    );
    expect(
      committed,
      "baton_capabilities.json is stale: run `npm run build && node dist/src/main.js capabilities > baton_capabilities.json` and commit it",
    ).toEqual(JSON.parse(r.stdout));
  });
});
