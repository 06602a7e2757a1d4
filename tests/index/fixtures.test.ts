import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateManifestText } from "../helpers/schema.js";
import { fixtureIndex } from "./helpers.js";

// The fixture repositories are realistic manifests: every full (non-patch) file validates against the
// Kubernetes / Istio / Gateway API schemas.
describe.each(["plain", "kustomize", "partial-migration", "external-waypoint"])("fixture repo %s", (name) => {
  it("validates against the schemas", async () => {
    const idx = fixtureIndex(name);
    const files = [...new Set(idx.resources.filter((r) => !r.partial).map((r) => r.file))];
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const problems = await validateManifestText(fs.readFileSync(file, "utf8"));
      expect(problems, path.basename(file)).toEqual([]);
    }
  });
});
