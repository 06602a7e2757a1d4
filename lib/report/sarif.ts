/**
 * Findings → SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps): one run, the rules that fired with their
 * short and full descriptions, `helpUri` and `help` (the rule's docs page as Markdown), results with regions,
 * and each finding's fix safety and resource in `properties`. Pure: the docs text comes from the caller.
 */
import type { Finding } from "./findings.js";

export interface SarifRuleInfo {
  /** Full rule id (`istio-ambient/no-envoyfilter`). */
  id: string;
  description: string;
  url?: string;
  type?: string;
  recommended?: string | false;
  fixable?: boolean;
  hasSuggestions?: boolean;
  /** The docs page (Markdown), for `help`. */
  docsMarkdown?: string;
}

export interface SarifOptions {
  tool: { name: string; version: string; informationUri: string };
  rules: SarifRuleInfo[];
  /** Absolute directory the findings' relative paths start from (becomes `%SRCROOT%`). */
  srcRoot: string;
}

/**
 * The first paragraph of a docs page after its generated header (title and notices, up to eslint-doc-generator's
 * end marker), as plain text (SARIF `fullDescription`).
 */
export function firstParagraph(markdown: string): string | undefined {
  const marker = markdown.indexOf(END_RULE_HEADER);
  const blocks = (marker >= 0 ? markdown.slice(marker + END_RULE_HEADER.length) : markdown)
    .replace(/<!--[\s\S]*?-->/g, "")
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter(Boolean);
  const para = blocks.find((b) => !/^(#|```|\||>|- |\* |📝|💼|🔧|💡|⚠️|❗|📖)/u.test(b));
  if (!para) return undefined;
  return para
    .replace(/\s*\n\s*/g, " ")
    .replace(/\[([^\]]+)\]\([^)]+\)/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/\*\*([^*]+)\*\*/g, "$1");
}

const END_RULE_HEADER = "<!-- end auto-generated rule header -->";

function fileUri(dir: string): string {
  const posix = dir.replace(/\\/g, "/");
  const withSlash = posix.endsWith("/") ? posix : `${posix}/`;
  return `file://${withSlash.startsWith("/") ? "" : "/"}${encodeURI(withSlash)}`;
}

export function toSarif(findings: readonly Finding[], options: SarifOptions): Record<string, unknown> {
  const fired = new Set(findings.map((f) => f.rule).filter((r): r is string => !!r));
  const rules = options.rules.filter((r) => fired.has(r.id)).sort((a, b) => a.id.localeCompare(b.id));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: options.tool.name,
            version: options.tool.version,
            semanticVersion: options.tool.version,
            informationUri: options.tool.informationUri,
            rules: rules.map((r) => {
              const full = r.docsMarkdown ? firstParagraph(r.docsMarkdown) : undefined;
              return {
                id: r.id,
                name: r.id.replace(/^.*\//, ""),
                shortDescription: { text: r.description },
                fullDescription: { text: full ?? r.description },
                ...(r.url ? { helpUri: r.url } : {}),
                help: {
                  text: r.docsMarkdown ?? `${r.description}${r.url ? ` See ${r.url}` : ""}`,
                  markdown: r.docsMarkdown ?? `${r.description}${r.url ? `\n\n[Documentation](${r.url})` : ""}`,
                },
                defaultConfiguration: { level: r.recommended === "warn" ? "warning" : "error", enabled: r.recommended !== false },
                properties: {
                  tags: ["istio", "ambient", ...(r.type ? [r.type] : [])],
                  fixable: !!r.fixable,
                  hasSuggestions: !!r.hasSuggestions,
                },
              };
            }),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: fileUri(options.srcRoot) } },
        columnKind: "utf16CodeUnits",
        results: findings.map((f) => {
          const region: Record<string, number> = { startLine: f.line, startColumn: f.column };
          if (f.endLine !== null) region.endLine = f.endLine;
          if (f.endColumn !== null) region.endColumn = f.endColumn;
          const index = f.rule ? ruleIndex.get(f.rule) : undefined;
          return {
            ...(f.rule ? { ruleId: f.rule } : {}),
            ...(index !== undefined ? { ruleIndex: index } : {}),
            level: f.severity === "error" ? "error" : "warning",
            kind: "fail",
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: encodeURI(f.file), uriBaseId: "%SRCROOT%" },
                  region,
                },
                ...(f.kind
                  ? {
                      logicalLocations: [
                        {
                          name: f.name ?? "",
                          fullyQualifiedName: `${f.kind}/${f.namespace ? `${f.namespace}/` : ""}${f.name ?? ""}`,
                          kind: "resource",
                        },
                      ],
                    }
                  : {}),
              },
            ],
            properties: {
              fixSafety: f.fixSafety,
              kind: f.kind,
              namespace: f.namespace,
              name: f.name,
              unit: f.unit,
              ...(f.suggestions.length ? { suggestions: f.suggestions } : {}),
            },
          };
        }),
      },
    ],
  };
}
