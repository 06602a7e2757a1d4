/**
 * The editor path: the real ESLint language server (vscode-eslint's, from npm vscode-langservers-extracted) over
 * stdio on the example repository, as VS Code or another LSP editor drives it: pull diagnostics at the ranges
 * ESLint reports, with the docs link, then the quick fix and the suggestions as code actions.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { EXAMPLE, ROOT } from "../cli/helpers.js";
import { LspClient } from "./lsp-client.js";

const require = createRequire(import.meta.url);
const SERVER = path.join(path.dirname(require.resolve("vscode-langservers-extracted/package.json")), "bin/vscode-eslint-language-server");
const FILE = path.join(EXAMPLE, "apps/httpbin/httpbin.yaml");
const uri = pathToFileURL(FILE).href;
const folderUri = pathToFileURL(EXAMPLE).href;

/** The settings VS Code's ESLint extension sends for a YAML file listed in `eslint.validate`. */
const settings = {
  validate: "on",
  packageManager: "npm",
  useESLintClass: false,
  useFlatConfig: true,
  experimental: { useFlatConfig: false },
  codeAction: { disableRuleComment: { enable: true, location: "separateLine", commentStyle: "line" }, showDocumentation: { enable: true } },
  codeActionOnSave: { mode: "all" },
  format: false,
  quiet: false,
  onIgnoredFiles: "off",
  options: {},
  rulesCustomizations: [],
  run: "onType",
  problems: { shortenToSingleLine: false },
  nodePath: null,
  workspaceFolder: { name: "gitops", uri: folderUri },
};

interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  codeDescription?: { href: string };
  message: string;
  source: string;
}

interface CodeAction {
  title: string;
  kind?: string;
  edit?: { changes?: Record<string, { range: unknown; newText: string }[]>; documentChanges?: { edits: { newText: string }[] }[] };
  command?: { command: string; arguments?: unknown[] };
}

let client: LspClient;
/** `workspace/applyEdit` requests the server sent (what the editor applies when a code action runs). */
const applied: { edit: { changes?: Record<string, { newText: string }[]>; documentChanges?: { textDocument: { uri: string }; edits: { newText: string }[] }[] } }[] = [];
let diagnostics: Diagnostic[];
let expected: ESLint.LintResult;

beforeAll(async () => {
  const eslint = new ESLint({ cwd: EXAMPLE });
  [expected] = await eslint.lintFiles([FILE]);
  client = new LspClient(process.execPath, [SERVER, "--stdio"], (method, params) => {
    if (method === "workspace/configuration") return (params as { items: unknown[] }).items.map(() => settings);
    if (method === "workspace/applyEdit") {
      applied.push(params as (typeof applied)[number]);
      return { applied: true };
    }
    return null;
  }, EXAMPLE);
  await client.request("initialize", {
    processId: process.pid,
    rootUri: folderUri,
    workspaceFolders: [{ name: "gitops", uri: folderUri }],
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true, applyEdit: true },
      textDocument: {
        diagnostic: { dynamicRegistration: false },
        publishDiagnostics: {},
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source.fixAll.eslint"] } } },
      },
    },
  });
  client.notify("initialized", {});
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "yaml", version: 1, text: fs.readFileSync(FILE, "utf8") } });
  const report = await client.request<{ kind: string; items: Diagnostic[] }>("textDocument/diagnostic", { textDocument: { uri } }, 120_000);
  expect(report.kind).toBe("full");
  diagnostics = report.items;
}, 180_000);

afterAll(async () => {
  await client?.stop();
});

describe("ESLint language server (vscode-langservers-extracted) on the example repository", () => {
  it("pulls the diagnostics ESLint reports, at the same ranges, with the rule's docs link", () => {
    expect(expected.messages.length).toBeGreaterThan(0);
    const got = diagnostics
      .map((d) => ({ code: d.code, start: [d.range.start.line + 1, d.range.start.character + 1], end: [d.range.end.line + 1, d.range.end.character + 1], severity: d.severity }))
      .sort((a, b) => a.code.localeCompare(b.code));
    const want = expected.messages
      .map((m) => ({ code: m.ruleId!, start: [m.line, m.column], end: [m.endLine!, m.endColumn!], severity: m.severity === 2 ? 1 : 2 }))
      .sort((a, b) => a.code.localeCompare(b.code));
    expect(got).toEqual(want);
    for (const d of diagnostics) {
      expect(d.source).toBe("eslint");
      expect(d.codeDescription?.href).toBe(plugin.rules[d.code.replace("istio-ambient/", "")].meta.docs.url);
    }
  });

  it("offers the fix and the suggestions as code actions", async () => {
    const at = (ruleId: string) => diagnostics.find((d) => d.code === ruleId)!;
    const actionsFor = (d: Diagnostic) =>
      client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ["quickfix"] } });

    const fixable = expected.messages.find((m) => m.fix)!;
    const fixActions = await actionsFor(at(fixable.ruleId!));
    const fix = fixActions.find((a) => a.title === `Fix this ${fixable.ruleId} problem`);
    expect(fix, JSON.stringify(fixActions.map((a) => a.title))).toBeDefined();
    // Running the action: the server answers with the edit ESLint's fix makes.
    const editText = async (action: CodeAction) => {
      if (action.edit) return JSON.stringify(action.edit);
      const before = applied.length;
      await client.request("workspace/executeCommand", { command: action.command!.command, arguments: action.command!.arguments });
      expect(applied.length).toBe(before + 1);
      const edit = applied[applied.length - 1].edit;
      const edits = edit.documentChanges?.flatMap((c) => (c.textDocument.uri === uri ? c.edits : [])) ?? edit.changes?.[uri] ?? [];
      return edits.map((e) => e.newText).join("");
    };
    expect(await editText(fix!)).toContain(fixable.fix!.text);

    const suggested = expected.messages.find((m) => m.suggestions?.length)!;
    const suggestionActions = await actionsFor(at(suggested.ruleId!));
    const titles = suggestionActions.map((a) => a.title);
    // The server titles a suggestion "<desc> (<rule id>)".
    for (const s of suggested.suggestions!) expect(titles, JSON.stringify(titles)).toContain(`${s.desc} (${suggested.ruleId})`);
    const first = suggestionActions.find((a) => a.title === `${suggested.suggestions![0].desc} (${suggested.ruleId})`)!;
    expect(await editText(first)).toContain(suggested.suggestions![0].fix.text);
    expect(titles).toContain(`Show documentation for ${suggested.ruleId}`);
    expect(titles).toContain(`Disable ${suggested.ruleId} for this line`);
  });
});

describe("README", () => {
  it("tells VS Code users to add yaml to eslint.validate", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(readme).toMatch(/"eslint\.validate":\s*\[[^\]]*"yaml"/);
  });
});
