/**
 * The plugin's language (lib/language.ts): its SourceCode makes the scope manager only when asked (the plugin's
 * rules never ask; analysing every manifest walked each AST once more), and then it is what ESLint's JavaScript
 * language gives a parser's AST: one empty global scope.
 */
import { describe, expect, it } from "vitest";
import { yamlLanguage } from "../../lib/language.js";

const file = { path: "/repo/a.yaml", body: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n" };

describe("istio-ambient/yaml language", () => {
  it("parses a manifest and gives an empty global scope on demand, the same object on every access", () => {
    const parsed = yamlLanguage.parse(file as never, { languageOptions: {} } as never) as { ok: boolean };
    expect(parsed.ok).toBe(true);
    const sourceCode = yamlLanguage.createSourceCode(file as never, parsed as never, {} as never) as unknown as {
      scopeManager: { scopes: { type: string; variables: unknown[] }[] };
      getScope(node: unknown): { type: string };
      ast: unknown;
    };
    const manager = sourceCode.scopeManager;
    expect(manager.scopes.map((s) => s.type)).toEqual(["global"]);
    expect(manager.scopes[0].variables).toEqual([]);
    expect(sourceCode.scopeManager).toBe(manager);
    expect(sourceCode.getScope(sourceCode.ast).type).toBe("global");
  });

  it("reports a manifest's parse error with its line, as ESLint's JavaScript language does", () => {
    const body = "apiVersion: v1\nkind: Service\nmetadata:\n  name: [b\n";
    const bad = yamlLanguage.parse({ path: "/repo/b.yaml", body } as never, { languageOptions: {} } as never) as {
      ok: boolean;
      errors?: { line: number }[];
    };
    expect(bad.ok).toBe(false);
    expect(bad.errors?.[0].line).toBeGreaterThanOrEqual(1);
  });
});
