/**
 * Cross-file verdicts for the repository as deployed, through ESLint's Node API with the user's config:
 * a base used by two overlays (the verdict differs per overlay: reported once, naming the overlay where it
 * holds), one app copied per cluster folder (never merged), and sibling folders that are alternatives.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeEach, describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { clearIndexCache } from "../../lib/index/index.js";

const REPOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/repos");

async function lint(repo: string, files: string[], settings: Record<string, unknown> = {}) {
  const root = path.join(REPOS, repo);
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [plugin.configs.strict, { settings: { "istio-ambient": { root, revalidateMs: -1, ...settings } } }],
  });
  const results = await eslint.lintFiles(files);
  return results.flatMap((r) =>
    r.messages.map((m) => ({ file: path.relative(root, r.filePath), line: m.line, rule: m.ruleId?.replace("istio-ambient/", ""), message: m.message, fix: !!m.fix })),
  );
}

beforeEach(() => clearIndexCache());

describe("the repository as deployed", () => {
  it("a base policy enforced in one overlay only: one finding on the base's line, naming the other overlay, no fix", async () => {
    const found = (await lint("overlays", ["base/policy.yaml"])).filter((f) => f.rule === "require-waypoint");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: "base/policy.yaml", line: 7, fix: false });
    expect(found[0].message).toMatch(/Service shop-dev\/web/);
    expect(found[0].message).toMatch(/\(in kustomization overlays\/dev\)$/);
    expect(found[0].message).not.toMatch(/overlays\/prod/);
    // Bypass prevention is a question only where a waypoint serves the Service: prod, not dev.
    const bypass = (await lint("overlays", ["base/policy.yaml"])).filter((f) => f.rule === "require-bypass-prevention");
    expect(bypass.map((f) => f.message.match(/\(in [^)]*\)$/)?.[0])).toEqual(["(in kustomization overlays/prod)"]);
    expect(bypass[0].message).toMatch(/shop-prod\/waypoint/);
  });

  it("a target namespace equal to metadata.namespace is not 'the same' when the overlay deploys the policy elsewhere: no fix", async () => {
    const root = path.join(REPOS, "overlays");
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [plugin.configs.strict, { settings: { "istio-ambient": { root, revalidateMs: -1 } } }],
    });
    const text = [
      "apiVersion: security.istio.io/v1",
      "kind: AuthorizationPolicy",
      "metadata:",
      "  name: web-get",
      "  namespace: shop",
      "spec:",
      "  targetRefs:",
      "    - kind: Service",
      '      group: ""',
      "      name: web",
      "      namespace: shop",
      "  rules:",
      "    - to:",
      "        - operation:",
      '            methods: ["GET"]',
      "",
    ].join("\n");
    const [result] = await eslint.lintText(text, { filePath: path.join(root, "base/policy.yaml") });
    const ns = result.messages.filter((m) => m.ruleId === "istio-ambient/valid-policy-targetrefs");
    expect(ns.map((m) => m.message.match(/\(in [^)]*\)$/)?.[0])).toEqual(["(in kustomization overlays/dev)", "(in kustomization overlays/prod)"]);
    expect(ns.every((m) => !m.fix)).toBe(true);
  });

  it("one app per cluster folder: the unbound copy is reported, the bound one is not", async () => {
    const found = (await lint("clusters", ["clusters/east/shop/policy.yaml", "clusters/west/shop/policy.yaml"])).filter((f) => f.rule === "require-waypoint");
    expect(found.map((f) => f.file)).toEqual(["clusters/west/shop/policy.yaml"]);
  });

  it("rendered output on stdin: its own unit, and the `# Source:` comment names the template in messages", async () => {
    const root = path.join(REPOS, "overlays");
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [plugin.configs.strict, { settings: { "istio-ambient": { root, revalidateMs: -1 } } }],
    });
    const rendered = [
      "---",
      "# Source: web/templates/authz.yaml",
      "apiVersion: security.istio.io/v1",
      "kind: AuthorizationPolicy",
      "metadata:",
      "  name: web-paths",
      "  namespace: shop-prod",
      "spec:",
      "  selector:",
      "    matchLabels:",
      "      app: web",
      "  rules:",
      "    - to:",
      "        - operation:",
      '            paths: ["/api/*"]',
      "",
    ].join("\n");
    const [result] = await eslint.lintText(rendered, { filePath: path.join(root, "rendered/web.yaml") });
    const authz = result.messages.filter((m) => m.ruleId === "istio-ambient/authorizationpolicy-targetrefs");
    expect(authz).toHaveLength(1);
    expect(authz[0].message).toMatch(/\(from web\/templates\/authz\.yaml\)$/);
    expect(result.messages.every((m) => !m.fatal)).toBe(true);
  });

  it("alternatives in sibling folders are not mixed routes", async () => {
    const found = await lint("alternatives", ["."]);
    expect(found.filter((f) => f.rule === "no-mixed-route-apis")).toEqual([]);
  });
});
