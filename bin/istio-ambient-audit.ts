#!/usr/bin/env node
/**
 * istio-ambient-audit [paths…]: the zero-config audit. Lints the YAML under the given paths (default ".") with the
 * plugin's own config (no eslint.config.js or package.json needed: it runs from pre-commit and in a bare GitOps
 * repository) and prints the migration report, or `--format sarif|json|markdown|stylish`.
 *
 * Exit: 0 = no errors (and warnings within --max-warnings), 1 = errors or too many warnings, 2 = usage or config error.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import plugin from "../index.js";
import { REPOSITORY_URL, name as packageName, version } from "../lib/meta.js";
import { readSettings, SettingsError, SETTINGS_KEY } from "../lib/settings.js";
import { renderMarkdown } from "../lib/report/markdown.js";
import { toJsonReport } from "../lib/report/json.js";
import { toSarif } from "../lib/report/sarif.js";
import { findingsOf, policiesOfResults, sarifRules } from "../formatters/shared.js";
import { listYamlFiles } from "./files.js";

const TOOL = "istio-ambient-audit";
const FORMATS = ["markdown", "json", "sarif", "stylish"] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `Usage: ${TOOL} [options] [paths…]

Audits the Kubernetes/Istio YAML under paths (default: .) for the move from sidecar to ambient mode,
with the plugin's recommended rules; no ESLint config or package.json needed.

Options:
  --strict                    every rule, as error (default: the recommended set)
  -f, --format FORMAT         markdown (default: the migration report), json, sarif, stylish
  -o, --output FILE           write the report to FILE instead of stdout
  --fix                       apply the safe fixes to the files, then report what is left
  --max-warnings N            exit 1 when there are more than N warnings
  --root DIR                  repository root for cross-file rules (default: nearest .git, else .)
  --waypoint NAME             waypoint Gateway name (trusted by fixes)
  --istio-version X.Y         Istio version the rules assume (default: latest supported)
  --default-namespace NS      namespace of manifests that set none
  --root-namespace NS         Istio root namespace (default: istio-system)
  --no-progress               no progress lines on stderr
  -h, --help                  this help
  -v, --version               print the version

Exit status: 0 no errors, 1 errors (or more warnings than --max-warnings), 2 usage or configuration error.`;

class UsageError extends Error {}

interface Cli {
  paths: string[];
  strict: boolean;
  format: Format;
  output?: string;
  fix: boolean;
  maxWarnings: number;
  progress: boolean;
  settings: Record<string, unknown>;
}

function parse(argv: string[]): Cli | "help" | "version" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        strict: { type: "boolean", default: false },
        format: { type: "string", short: "f", default: "markdown" },
        output: { type: "string", short: "o" },
        fix: { type: "boolean", default: false },
        "max-warnings": { type: "string" },
        root: { type: "string" },
        waypoint: { type: "string" },
        "istio-version": { type: "string" },
        "default-namespace": { type: "string" },
        "root-namespace": { type: "string" },
        "no-progress": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "v", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  if (v.version) return "version";
  const format = v.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}; got "${v.format}"`);
  let maxWarnings = -1;
  if (v["max-warnings"] !== undefined) {
    if (!/^\d+$/.test(v["max-warnings"])) throw new UsageError(`--max-warnings must be a whole number; got "${v["max-warnings"]}"`);
    maxWarnings = Number(v["max-warnings"]);
  }
  const settings: Record<string, unknown> = {};
  const flag = (key: string, option: string) => {
    const value = v[option as keyof typeof v];
    if (typeof value !== "string") return;
    if (!value) throw new UsageError(`--${option} needs a value`);
    settings[key] = value;
  };
  flag("root", "root");
  flag("waypoint", "waypoint");
  flag("istioVersion", "istio-version");
  flag("defaultNamespace", "default-namespace");
  flag("rootNamespace", "root-namespace");
  if (typeof settings.root === "string") settings.root = path.resolve(settings.root);
  return {
    paths: parsed.positionals.length ? parsed.positionals : ["."],
    strict: v.strict,
    format,
    output: v.output,
    fix: v.fix,
    maxWarnings,
    progress: !v["no-progress"],
    settings,
  };
}

export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  let cli: ReturnType<typeof parse>;
  try {
    cli = parse(argv);
  } catch (error) {
    io.stderr.write(`${TOOL}: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (cli === "help") {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (cli === "version") {
    io.stdout.write(`${packageName} ${version}\n`);
    return 0;
  }
  const cwd = io.cwd;
  let settings;
  try {
    settings = readSettings({ [SETTINGS_KEY]: cli.settings });
  } catch (error) {
    io.stderr.write(`${TOOL}: ${(error as Error).message}\n`);
    return 2;
  }
  for (const p of cli.paths) {
    if (!fs.existsSync(path.resolve(cwd, p))) {
      io.stderr.write(`${TOOL}: no such file or directory: ${p}\n`);
      return 2;
    }
  }
  const files = listYamlFiles(cli.paths.map((p) => path.resolve(cwd, p)));
  // One audit is one run: the repository index is built once and never re-walked (lib/index `singleRun`).
  process.env.ISTIO_AMBIENT_SINGLE_RUN ??= "true";
  const eslint = new ESLint({
    cwd,
    overrideConfigFile: true,
    overrideConfig: [cli.strict ? plugin.configs.strict : plugin.configs.recommended, { settings: { [SETTINGS_KEY]: cli.settings } }],
    fix: cli.fix,
    errorOnUnmatchedPattern: false,
  });
  const results: ESLint.LintResult[] = [];
  const batch = 100;
  const showProgress = cli.progress && files.length > batch;
  try {
    for (let i = 0; i < files.length; i += batch) {
      const chunk = await eslint.lintFiles(files.slice(i, i + batch));
      if (cli.fix) await ESLint.outputFixes(chunk);
      results.push(...chunk);
      if (showProgress) io.stderr.write(`${TOOL}: linted ${Math.min(i + batch, files.length)}/${files.length} files\n`);
    }
  } catch (error) {
    const message = error instanceof SettingsError ? error.message : (error as Error).message;
    io.stderr.write(`${TOOL}: ${message}\n`);
    return 2;
  }
  const rulesMeta = eslint.getRulesMetaForResults(results);
  let text: string;
  if (cli.format === "stylish") {
    text = await (await eslint.loadFormatter("stylish")).format(results, { cwd, rulesMeta } as never);
  } else {
    const findings = findingsOf(results, { cwd, rulesMeta }, settings);
    if (cli.format === "markdown") {
      const policies = policiesOfResults(results, { cwd, rulesMeta }, settings);
      text = renderMarkdown(findings, { filesLinted: results.length, fixCommand: `${TOOL} --fix`, policies });
    } else if (cli.format === "json") {
      const policies = policiesOfResults(results, { cwd, rulesMeta }, settings);
      text = `${JSON.stringify(toJsonReport(findings, { name: packageName, version }, results.length, policies), null, 2)}\n`;
    } else {
      const sarif = toSarif(findings, { tool: { name: TOOL, version, informationUri: REPOSITORY_URL }, rules: sarifRules(), srcRoot: cwd });
      text = `${JSON.stringify(sarif, null, 2)}\n`;
    }
  }
  if (cli.output) {
    fs.mkdirSync(path.dirname(path.resolve(cwd, cli.output)), { recursive: true });
    fs.writeFileSync(path.resolve(cwd, cli.output), text);
  } else {
    io.stdout.write(text);
  }
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (cli.output || cli.format === "sarif" || cli.format === "json") {
    io.stderr.write(`${TOOL}: ${files.length} files, ${errors} errors, ${warnings} warnings${cli.output ? ` → ${cli.output}` : ""}\n`);
  }
  if (errors > 0) return 1;
  if (cli.maxWarnings >= 0 && warnings > cli.maxWarnings) {
    io.stderr.write(`${TOOL}: ${warnings} warnings, more than --max-warnings ${cli.maxWarnings}\n`);
    return 1;
  }
  return 0;
}

function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
const invoked = invokedDirectly();
if (invoked) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`${TOOL}: ${(error as Error).stack ?? error}\n`);
      process.exitCode = 2;
    },
  );
}
