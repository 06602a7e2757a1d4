/**
 * Packaging as a consumer meets it: links declared in package.json (and the docs URLs derived from them),
 * LICENSE, no install-time script, a tarball holding what it needs, `.d.ts` files that type-check with only
 * the runtime dependencies installed, settings validated, a warning under a non-YAML parser, and the
 * documented config order when another config sets a parser for every file.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import * as espree from "espree";
import { afterAll, describe, expect, it, vi } from "vitest";
import plugin from "../../index.js";
import { DOCS_BASE, REPOSITORY_URL, repositoryWebUrl } from "../../lib/meta.js";
import { SETTING_CHECKS, SettingsError, readSettings } from "../../lib/settings.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const temps: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("package.json links and the docs URLs", () => {
  it("declares repository, homepage and bugs on the same GitHub repository", () => {
    expect(pkg.repository).toEqual({ type: "git", url: expect.stringMatching(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/) });
    const web = repositoryWebUrl(pkg.repository);
    expect(web).toBe(REPOSITORY_URL);
    expect(pkg.homepage).toBe(`${web}#readme`);
    expect(pkg.bugs).toEqual({ url: `${web}/issues` });
  });

  it("derives every rule's docs URL from the repository, pointing at a docs page that exists", () => {
    expect(DOCS_BASE).toBe(`${REPOSITORY_URL}/blob/main/docs/rules/`);
    for (const [id, rule] of Object.entries(plugin.rules)) {
      expect(rule.meta.docs.url).toBe(`${DOCS_BASE}${id}.md`);
      expect(fs.existsSync(path.join(ROOT, "docs/rules", `${id}.md`)), id).toBe(true);
    }
  });

  it("reads the usual repository spellings", () => {
    expect(repositoryWebUrl("github:o/r")).toBe("https://github.com/o/r");
    expect(repositoryWebUrl("o/r")).toBe("https://github.com/o/r");
    expect(repositoryWebUrl({ url: "git://gitlab.com/o/r.git" })).toBe("https://gitlab.com/o/r");
    expect(repositoryWebUrl(undefined)).toBeUndefined();
  });
});

describe("LICENSE and install scripts", () => {
  it("ships the Apache License 2.0 text that package.json names", () => {
    expect(pkg.license).toBe("Apache-2.0");
    const text = fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8");
    expect(text).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\/\s/);
    const sections = [...text.matchAll(/^\s+(\d)\. ([A-Z][\w ]+)\./gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(sections).toEqual([
      "1 Definitions",
      "2 Grant of Copyright License",
      "3 Grant of Patent License",
      "4 Redistribution",
      "5 Submission of Contributions",
      "6 Trademarks",
      "7 Disclaimer of Warranty",
      "8 Limitation of Liability",
      "9 Accepting Warranty or Additional Liability",
    ]);
    expect(text).toContain("END OF TERMS AND CONDITIONS");
    expect(text).toContain("APPENDIX: How to apply the Apache License to your work.");
  });

  it("runs nothing at a consumer's install: the build runs on prepack, test and demo", () => {
    for (const hook of ["preinstall", "install", "postinstall", "prepare"]) expect(pkg.scripts[hook], hook).toBeUndefined();
    expect(pkg.scripts.prepack).toBe("npm run build");
    expect(pkg.scripts.pretest).toBe("npm run build");
    expect(pkg.scripts.predemo).toBe("npm run build");
  });

  it("packs dist, docs and LICENSE, and no sources or tests", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    for (const f of ["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts", "docs/rules/no-envoyfilter.md"]) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => f.startsWith("tests/") || f.startsWith("lib/") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
  });
});

describe("shipped types", () => {
  const runtime = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const declarationFiles = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? declarationFiles(path.join(dir, e.name)) : e.name.endsWith(".d.ts") ? [path.join(dir, e.name)] : [],
    );

  it("import only runtime dependencies, peer dependencies, node: modules and their own files", () => {
    const bad: string[] = [];
    for (const file of declarationFiles(path.join(ROOT, "dist"))) {
      const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
      for (const m of text.matchAll(/(?:from\s+|import\()\s*"([^"]+)"/g)) {
        const spec = m[1];
        if (spec.startsWith(".") || spec.startsWith("node:")) continue;
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
        if (!runtime.has(name)) bad.push(`${path.relative(ROOT, file)}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("type-check a consumer's eslint.config.ts with only eslint, typescript and the runtime dependencies installed", () => {
    const dir = tempDir("istio-ambient-types-");
    const modules = path.join(dir, "node_modules");
    const own = path.join(modules, "eslint-plugin-istio-ambient");
    fs.mkdirSync(own, { recursive: true });
    fs.cpSync(path.join(ROOT, "dist"), path.join(own, "dist"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "package.json"), path.join(own, "package.json"));
    for (const dep of [...runtime, "@types/node"]) {
      fs.mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
      fs.symlinkSync(path.join(ROOT, "node_modules", dep), path.join(modules, dep), "dir");
    }
    fs.writeFileSync(
      path.join(dir, "eslint.config.ts"),
      [
        'import type { Linter } from "eslint";',
        'import istioAmbient from "eslint-plugin-istio-ambient";',
        "const config: Linter.Config[] = [",
        "  istioAmbient.configs.recommended,",
        '  { settings: { "istio-ambient": { waypoint: "waypoint" } } },',
        "];",
        "const ruleIds: string[] = Object.keys(istioAmbient.rules);",
        "export default config;",
        "export { ruleIds };",
      ].join("\n"),
    );
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", noEmit: true, types: ["node"], skipLibCheck: false },
        files: ["eslint.config.ts"],
      }),
    );
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const tsc = spawnSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], { encoding: "utf8" });
    // Only errors in the plugin's own declarations matter here (eslint's own .d.ts is not ours to check).
    const ours = (tsc.stdout + tsc.stderr).split("\n").filter((l) => /eslint-plugin-istio-ambient|eslint\.config\.ts/.test(l));
    expect(ours).toEqual([]);
  });
});

describe("settings validation", () => {
  const lint = (settings: Record<string, unknown>) =>
    new ESLint({
      cwd: ROOT,
      overrideConfigFile: true,
      overrideConfig: [plugin.configs.recommended, { settings: { "istio-ambient": settings } }],
    }).lintText("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n", { filePath: path.join(ROOT, "x.yaml") });

  it("names an unknown key, with the closest known one", () => {
    expect(() => readSettings({ "istio-ambient": { rootNamspace: "istio-system" } })).toThrow(
      'settings["istio-ambient"].rootNamspace is not a known setting (did you mean "rootNamespace"?)',
    );
    expect(() => readSettings({ "istio-ambient": { colour: 1 } })).toThrow(/\.colour is not a known setting\. Known settings: root, include,/);
  });

  it("names a key whose value has the wrong type", () => {
    expect(() => readSettings({ "istio-ambient": { waypoint: 42 } })).toThrow('settings["istio-ambient"].waypoint must be a Gateway name');
    expect(() => readSettings({ "istio-ambient": { maxFiles: 0 } })).toThrow(".maxFiles must be a positive number; got 0.");
    expect(() => readSettings({ "istio-ambient": { include: "**/*.yaml" } })).toThrow('.include must be an array of strings; got "**/*.yaml".');
    expect(() => readSettings({ "istio-ambient": { assumeExists: [{ kind: "Service" }] } })).toThrow(".assumeExists must be an array of");
    expect(() => readSettings({ "istio-ambient": "bookinfo" })).toThrow('settings["istio-ambient"] must be an object');
    const error = (() => {
      try {
        readSettings({ "istio-ambient": { trustDomain: ["a"] } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).key).toBe("trustDomain");
  });

  it("accepts every known key with a valid value, and unset (undefined/null) values", () => {
    const valid: Record<string, unknown> = {
      root: "/repo",
      include: ["**/*.yaml"],
      exclude: [],
      defaultNamespace: "default",
      rootNamespace: "istio-system",
      trustDomain: "cluster.local",
      waypoint: { bookinfo: "bookinfo-waypoint", "*": "waypoint" },
      istioVersion: "1.29",
      gatewayApi: { channel: "standard", version: "1.3" },
      assumeExists: [{ kind: "Gateway", name: "waypoint", namespace: "payments", serviceAccount: "wp" }],
      revalidateMs: -1,
      units: ["clusters/*"],
      maxFiles: 10,
      maxBytes: 1000,
      maxFileBytes: 100,
    };
    expect(Object.keys(valid).sort()).toEqual(Object.keys(SETTING_CHECKS).sort());
    const s = readSettings({ "istio-ambient": valid });
    expect(s.rootNamespace).toBe("istio-system");
    expect(s.maxFiles).toBe(10);
    expect(readSettings({ "istio-ambient": { waypoint: undefined, root: null } }).waypoint).toBe("waypoint");
  });

  it("fails an ESLint run with one error naming the key", async () => {
    await expect(lint({ rootNamspace: "mesh" })).rejects.toThrow(/settings\["istio-ambient"\]\.rootNamspace is not a known setting/);
    await expect(lint({ waypoint: 42 })).rejects.toThrow(/\.waypoint must be a Gateway name .*got 42\./);
    expect((await lint({ rootNamespace: "mesh" }))[0].messages).toEqual([]);
  });
});

describe("other parsers", () => {
  it("warns once per process when the rules run on a file another parser read", async () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const eslint = new ESLint({
        cwd: ROOT,
        overrideConfigFile: true,
        overrideConfig: [{ files: ["**/*.js"], plugins: { "istio-ambient": plugin }, rules: plugin.configs.strict.rules }],
      });
      const a = await eslint.lintText("const a = 1;\n", { filePath: path.join(ROOT, "a.js") });
      const b = await eslint.lintText("const b = 2;\n", { filePath: path.join(ROOT, "b.js") });
      expect([...a[0].messages, ...b[0].messages]).toEqual([]);
      const ours = warn.mock.calls.filter((c) => (c[1] as { code?: string } | undefined)?.code === "ISTIO_AMBIENT_NOT_YAML");
      expect(ours).toHaveLength(1);
      expect(String(ours[0][0])).toMatch(/^rule "istio-ambient\/[\w-]+" ran on .*a\.js, which was not parsed by yaml-eslint-parser/);
      expect(String(ours[0][0])).toContain("put the istio-ambient config last");
    } finally {
      warn.mockRestore();
    }
  });

  // A config that sets a parser for every file (typescript-eslint's `configs.recommended` does) no longer overrides
  // the YAML parser when it comes later: the configs set the plugin's language (tests/e2e/configs-language.test.ts).
  const bad = "apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: f, namespace: a}\nspec: {}\n";
  const run = (configs: unknown[]) =>
    new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: configs as never }).lintText(bad, { filePath: path.join(ROOT, "f.yaml") });
  const everyFile = { languageOptions: { parser: espree } };

  it("a later config setting a parser for all files leaves the YAML to the configs' language", async () => {
    const [r] = await run([plugin.configs.recommended, everyFile]);
    expect(r.messages.map((m) => m.ruleId)).toEqual(["istio-ambient/no-envoyfilter"]);
  });

  it("the istio-ambient config last, or the other config limited by `files`, lints the YAML", async () => {
    for (const configs of [
      [everyFile, plugin.configs.recommended],
      [plugin.configs.recommended, { ...everyFile, files: ["**/*.js", "**/*.ts"] }],
    ]) {
      const [r] = await run(configs);
      expect(r.messages.map((m) => m.ruleId)).toEqual(["istio-ambient/no-envoyfilter"]);
    }
  });
});
