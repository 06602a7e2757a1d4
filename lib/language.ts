/**
 * The configs' language, `istio-ambient/yaml`: Kubernetes manifests parsed by the configs' parser (lib/parser.ts,
 * yaml-eslint-parser) into the AST the rules read, with ESLint's SourceCode (comments, `# eslint-disable`
 * directives, fixes) as under the JavaScript language.
 *
 * Why a language and not only `languageOptions.parser`: a config without `files` that comes later and sets a parser
 * for every file (typescript-eslint's `configs.recommended`, a Babel setup) replaces `languageOptions.parser` on the
 * YAML files too, and each becomes a parse error. `language` is only replaced by a later config that sets
 * `language` itself, so the YAML files keep this parser: the other `languageOptions` (parser, sourceType,
 * ecmaVersion, globals, parserOptions of a JS setup) are accepted and not used.
 */
import { SourceCode, type ESLint, type Linter } from "eslint";
import { createRequire } from "node:module";
import type * as EslintScope from "eslint-scope";
import { VisitorKeys } from "yaml-eslint-parser";
import * as parser from "./parser.js";

interface File {
  path: string;
  body: string | Uint8Array;
  bom?: boolean;
}

type ParseResult = ReturnType<typeof parser.parseForESLint>;

/**
 * eslint-scope as ESLint itself loads it (its CommonJS build): one copy in the process instead of a second, ES
 * module one (loaded, compiled and optimised again).
 */
const eslintScope = createRequire(import.meta.url)("eslint-scope") as typeof EslintScope;

type ScopeManager = ReturnType<typeof EslintScope.analyze>;

/** What ESLint's JavaScript language builds for a parser's AST (for a YAML AST: an empty global scope). */
function analyzeScope(ast: unknown, visitorKeys: unknown): ScopeManager {
  return eslintScope.analyze(ast as never, {
    ignoreEval: true,
    ecmaVersion: 6,
    sourceType: "script",
    childVisitorKeys: (visitorKeys ?? VisitorKeys) as never,
    fallback: () => [],
  });
}

const scopeManagers = new WeakMap<object, ScopeManager>();

/**
 * ESLint's SourceCode for a YAML AST; no globals to apply. Its scope manager is made when something asks for it
 * (a JavaScript rule that a config without `files` turns on: no-unused-vars, …, finds an empty global scope):
 * the plugin's rules never do, and analysing every manifest walked each whole AST once more for nothing.
 */
class YamlSourceCode extends SourceCode {
  applyLanguageOptions(): void {}
  finalize(): void {}
  // @ts-expect-error an accessor over the base class's `scopeManager` property (assigned in its constructor)
  get scopeManager(): ScopeManager {
    let manager = scopeManagers.get(this);
    if (!manager) scopeManagers.set(this, (manager = analyzeScope(this.ast, this.visitorKeys)));
    return manager;
  }
  set scopeManager(manager: ScopeManager | null) {
    if (manager) scopeManagers.set(this, manager);
  }
}

const text = (body: string | Uint8Array) => (typeof body === "string" ? body : new TextDecoder().decode(body));

/** ESLint's Language type, named through the `eslint` package (the shipped .d.ts needs nothing else). */
export type YamlLanguage = NonNullable<ESLint.Plugin["languages"]>[string];

interface YamlParseResult {
  ast: ParseResult["ast"];
  parserServices: ParseResult["services"];
  visitorKeys: ParseResult["visitorKeys"];
}

export const yamlLanguage: YamlLanguage = {
  fileType: "text" as const,
  lineStart: 1 as const,
  columnStart: 0 as const,
  nodeTypeKey: "type",
  visitorKeys: VisitorKeys,
  defaultLanguageOptions: { parserOptions: {} },

  /** Anything: options meant for JavaScript files by a config without `files` do not apply to manifests. */
  validateLanguageOptions(): void {},

  /** As ESLint's JavaScript language calls a parser (same options, same parse error message and position). */
  parse(file: File, context) {
    const languageOptions = (context.languageOptions ?? {}) as Linter.LanguageOptions;
    const parserOptions = { ...((languageOptions.parserOptions ?? {}) as Record<string, unknown>), filePath: file.path };
    try {
      const result: ParseResult = parser.parseForESLint(text(file.body), parserOptions);
      return { ok: true as const, ast: result.ast, parserServices: result.services ?? {}, visitorKeys: result.visitorKeys ?? VisitorKeys };
    } catch (error) {
      const e = error as { message?: string; lineNumber?: number; column?: number };
      return { ok: false as const, errors: [{ message: String(e.message ?? error).replace(/^line \d+:/iu, "").trim(), line: e.lineNumber ?? 1, column: e.column ?? 0 }] };
    }
  },

  createSourceCode(file: File, result) {
    const parseResult = result as unknown as YamlParseResult;
    return new YamlSourceCode({
      text: text(file.body),
      hasBOM: file.bom,
      ast: parseResult.ast as never,
      parserServices: parseResult.parserServices,
      // No scopeManager: made on first use (see YamlSourceCode).
      visitorKeys: parseResult.visitorKeys,
    });
  },
};
