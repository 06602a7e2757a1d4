/**
 * The hooks of .pre-commit-hooks.yaml with the real `pre-commit` (Debian package `pre-commit`; .ci/run installs
 * it): a hook repository made from this checkout, a GitOps repository with no package.json that uses it, a
 * commit of a bad manifest refused by `istio-ambient-audit`, and `istio-ambient-fix` making the next commit pass.
 * `language: node` installs the hook from the npm registry only (system node, no nodeenv download).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../cli/helpers.js";

const havePreCommit = spawnSync("pre-commit", ["--version"], { encoding: "utf8" }).status === 0;
const temp = fs.mkdtempSync(path.join(os.tmpdir(), "istio-ambient-pre-commit-"));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const env = {
  ...process.env,
  VITEST: "",
  PRE_COMMIT_HOME: path.join(temp, "cache"),
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
};

function run(cwd: string, cmd: string, ...args: string[]) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout: 540_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function must(cwd: string, cmd: string, ...args: string[]) {
  const r = run(cwd, cmd, ...args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.out}`);
  return r.out;
}

const ROUTE = `apiVersion: v1
kind: Service
metadata: {name: details, namespace: shop}
spec:
  selector: {app: details}
  ports: [{port: 9080, name: http}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: details, namespace: shop}
spec:
  parentRefs:
    - kind: Service
      name: details
      port: 9080
  rules:
    - backendRefs:
        - name: details
          port: 9080
`;

describe("the hook manifest", () => {
  it("declares istio-ambient-audit and istio-ambient-fix for YAML files, as node hooks running the package's bin", () => {
    const hooks = parse(fs.readFileSync(path.join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as Record<string, unknown>[];
    expect(hooks.map((h) => h.id)).toEqual(["istio-ambient-audit", "istio-ambient-fix"]);
    const bin = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).bin);
    for (const h of hooks) {
      expect(h).toMatchObject({ language: "node", types: ["yaml"], require_serial: true });
      expect(bin).toContain(String(h.entry).split(" ")[0]);
    }
    expect(String(hooks[1].entry)).toContain("--fix");
  });
});

describe.skipIf(!havePreCommit)("pre-commit end to end (skipped only when the `pre-commit` command is missing: apt-get install pre-commit)", () => {
  it("refuses the commit of a bad manifest; the fix hook makes the next commit pass", () => {
    // The hook repository: this checkout's package sources at one commit.
    const hookRepo = path.join(temp, "hook-repo");
    fs.mkdirSync(hookRepo);
    for (const f of [".npmrc", "package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "index.ts", "LICENSE", "README.md", ".pre-commit-hooks.yaml", "lib", "rules", "formatters", "bin", "docs"]) {
      fs.cpSync(path.join(ROOT, f), path.join(hookRepo, f), { recursive: true });
    }
    must(hookRepo, "git", "init", "-q");
    must(hookRepo, "git", "add", ".");
    must(hookRepo, "git", "commit", "-q", "-m", "hooks");
    const rev = must(hookRepo, "git", "rev-parse", "HEAD").trim();

    // The GitOps repository: manifests only, no package.json.
    const repo = path.join(temp, "gitops");
    fs.mkdirSync(repo);
    must(repo, "git", "init", "-q");
    const config = (ids: string[]) =>
      `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n${ids.map((id) => `      - id: ${id}\n`).join("")}`;
    fs.writeFileSync(path.join(repo, ".pre-commit-config.yaml"), config(["istio-ambient-audit"]));
    must(repo, "pre-commit", "install");
    fs.writeFileSync(path.join(repo, "route.yaml"), ROUTE);
    must(repo, "git", "add", ".");

    const refused = run(repo, "git", "commit", "-m", "add the details route");
    expect(refused.status, refused.out).not.toBe(0);
    expect(refused.out).toMatch(/istio-ambient audit \(sidecar → ambient\)\.+Failed/);
    expect(refused.out).toContain("istio-ambient/httproute-service-parentref");
    expect(run(repo, "git", "rev-parse", "--verify", "HEAD").status).not.toBe(0); // nothing committed

    // With the fix hook first: it rewrites the file (pre-commit stops the commit so it can be reviewed) …
    fs.writeFileSync(path.join(repo, ".pre-commit-config.yaml"), config(["istio-ambient-fix", "istio-ambient-audit"]));
    must(repo, "git", "add", ".");
    const fixed = run(repo, "git", "commit", "-m", "add the details route");
    expect(fixed.status, fixed.out).not.toBe(0);
    expect(fixed.out).toMatch(/istio-ambient fix \(sidecar → ambient\)\.+Failed[\s\S]*files were modified by this hook/);
    expect(fixed.out).toMatch(/istio-ambient audit \(sidecar → ambient\)\.+Passed/);
    expect(fs.readFileSync(path.join(repo, "route.yaml"), "utf8")).toContain('    - kind: Service\n      name: details\n      port: 9080\n      group: ""\n');

    // … and once the fixed file is added, the commit passes.
    must(repo, "git", "add", "route.yaml");
    const passed = run(repo, "git", "commit", "-m", "add the details route");
    expect(passed.status, passed.out).toBe(0);
    expect(passed.out).toMatch(/istio-ambient fix \(sidecar → ambient\)\.+Passed/);
    expect(passed.out).toMatch(/istio-ambient audit \(sidecar → ambient\)\.+Passed/);
    expect(must(repo, "git", "log", "--format=%s")).toBe("add the details route\n");
  }, 600_000);
});
