import { describe, expect, it } from "vitest";
import { globMatch, globMatcher, globToRegExp } from "../../lib/index/glob.js";

describe("glob matcher", () => {
  it.each([
    ["**/*.{yaml,yml,json}", "a.yaml", true],
    ["**/*.{yaml,yml,json}", "a/b/c.yml", true],
    ["**/*.{yaml,yml,json}", "a/b/c.json", true],
    ["**/*.{yaml,yml,json}", "a/b/c.txt", false],
    ["**/*.{yaml,yml,json}", "a/b/yaml", false],
    ["*.yaml", "a.yaml", true],
    ["*.yaml", "dir/a.yaml", false],
    ["manifests/**", "manifests", true],
    ["manifests/**", "manifests/a/b.yaml", true],
    ["manifests/**", "manifestsx/a.yaml", false],
    ["**/legacy/**", "legacy", true],
    ["**/legacy/**", "apps/legacy/x.yaml", true],
    ["**/legacy/**", "apps/legacyx/x.yaml", false],
    ["a/**/b.yaml", "a/b.yaml", true],
    ["a/**/b.yaml", "a/x/y/b.yaml", true],
    ["a/**/b.yaml", "ab.yaml", false],
    ["**", "any/thing/at/all", true],
    ["file?.yaml", "file1.yaml", true],
    ["file?.yaml", "file10.yaml", false],
    ["file?.yaml", "file/.yaml", false],
    ["*", "a/b", false],
    ["{apps,infra}/**/*.yaml", "infra/x/y.yaml", true],
    ["{apps,infra}/**/*.yaml", "other/x/y.yaml", false],
    ["apps/{a,b{1,2}}/*.yaml", "apps/b2/x.yaml", true],
    ["apps/{a,b{1,2}}/*.yaml", "apps/b3/x.yaml", false],
    ["{**/charts/**,vendor/**}", "x/charts/y.yaml", true],
    ["{**/charts/**,vendor/**}", "vendor/z.yaml", true],
    ["v[0-9].yaml", "v7.yaml", true],
    ["v[0-9].yaml", "vx.yaml", false],
    ["v[!0-9].yaml", "vx.yaml", true],
    ["v[!0-9].yaml", "v1.yaml", false],
    ["a.b", "axb", false],
    ["a+b(c).yaml", "a+b(c).yaml", true],
    ["\\*.yaml", "*.yaml", true],
    ["\\*.yaml", "x.yaml", false],
    ["./apps/*.yaml", "apps/x.yaml", true],
    ["{a,b", "{a,b", true],
    ["**/.github/**", ".github/workflows/ci.yaml", true],
  ])("%s vs %s → %s", (pattern, path, expected) => {
    expect(globMatch(pattern, path)).toBe(expected);
  });

  it("compiles once per pattern and anchors both ends", () => {
    expect(globToRegExp("**/*.yaml")).toBe(globToRegExp("**/*.yaml"));
    expect(globToRegExp("*.yaml").test("x.yaml.bak")).toBe(false);
  });

  it("globMatcher: any of the patterns; an empty list matches nothing", () => {
    const m = globMatcher(["**/*.yaml", "", "docs/**"]);
    expect(m("a/b.yaml")).toBe(true);
    expect(m("docs/readme.md")).toBe(true);
    expect(m("readme.md")).toBe(false);
    expect(globMatcher([])("a.yaml")).toBe(false);
  });
});

describe("linear-time matching", () => {
  it("repeated `**/` and many `*` segments on deep paths: segment by segment, no backtracking across `/`", () => {
    const deep = `${Array.from({ length: 60 }, (_, i) => `d${i}`).join("/")}/x.yml`;
    // A regular expression of `(?:.*\/)?` repeated 8 times backtracks for seconds on a non-matching deep path.
    const pattern = "**/**/**/**/**/**/**/**/nomatch/**/*.yaml";
    expect(globMatch(pattern, deep)).toBe(false);
    expect(globMatch("**/**/**/d59/*.yml", deep)).toBe(true);
    expect(globMatch("**/d10/**/d20/**/d30/**/*.{yml,yaml}", deep)).toBe(true);
    expect(globMatch("**/d30/**/d20/**/*.yml", deep)).toBe(false);
    expect(globMatcher(["apps/**", "{charts,helm}/**/values.yaml"])("helm/a/b/values.yaml")).toBe(true);
  });
});
