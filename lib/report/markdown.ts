/**
 * The migration report: Markdown for a pull-request comment or a ticket. Per unit (when the index knows
 * units) and namespace, then per resource: blockers first, required changes, what `--fix` does, the editor
 * suggestions, and a readiness verdict; a Mermaid summary chart (renders on GitHub and GitLab). Pure.
 */
import { categoryOf, type Finding } from "./findings.js";
import type { PolicyEnforcement } from "./enforcement.js";

export type Verdict = "blocked" | "ready-after-fix" | "ready-with-changes" | "ready";

const VERDICT_TEXT: Record<Verdict, string> = {
  blocked: "⛔ blocked",
  "ready-after-fix": "🔧 ready after `--fix`",
  "ready-with-changes": "⚠️ ready, with changes to make",
  ready: "✅ ready",
};

/**
 * - blocked: at least one blocker (an error no fix handles);
 * - ready after --fix: errors remain, but `--fix` handles each of them;
 * - ready with changes: only warnings that need a human;
 * - ready: nothing left, or only what `--fix` handles among warnings.
 */
export function verdictOf(findings: readonly Finding[]): Verdict {
  const cats = findings.map(categoryOf);
  if (cats.includes("blocker")) return "blocked";
  if (findings.some((f) => categoryOf(f) === "fix" && f.severity === "error")) return "ready-after-fix";
  if (cats.includes("required")) return "ready-with-changes";
  return "ready";
}

export interface ReportOptions {
  /** Title line (default "Istio ambient migration report"). */
  title?: string;
  /** Files linted (for the summary line); default: the files with findings. */
  filesLinted?: number;
  /** The command that applies the fixes, as the user runs it. */
  fixCommand?: string;
  /** The AuthorizationPolicies of the linted files: who enforces each today and after the move. */
  policies?: readonly PolicyEnforcement[];
}

const UNKNOWN_NS = "(namespace unknown)";
const CLUSTER = "(cluster-scoped or outside a resource)";

/** Markdown-safe inline text (tables and list items): no line breaks, no pipes, no HTML. */
function inline(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|").replace(/</g, "&lt;");
}

function code(text: string): string {
  const t = text.replace(/`/g, "'");
  return `\`${t}\``;
}

function ruleLink(f: Finding): string {
  const id = f.rule ? f.rule.replace(/^istio-ambient\//, "") : "parse error";
  return f.docs ? `[${id}](${f.docs})` : id;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function namespaceKey(f: Finding): string {
  if (f.namespace) return f.namespace;
  return f.kind ? UNKNOWN_NS : CLUSTER;
}

function resourceKey(f: Finding): string {
  return f.kind ? `${f.kind} ${code(f.name ?? "(unnamed)")} — ${code(f.file)}` : code(f.file);
}

/** Blockers first, then by file and line. */
function byPriority(a: Finding, b: Finding): number {
  const order = { blocker: 0, required: 1, fix: 2 };
  return order[categoryOf(a)] - order[categoryOf(b)] || a.file.localeCompare(b.file) || a.line - b.line;
}

interface Counts {
  blocker: number;
  required: number;
  fix: number;
  suggestion: number;
}

function countsOf(findings: readonly Finding[]): Counts {
  const c: Counts = { blocker: 0, required: 0, fix: 0, suggestion: 0 };
  for (const f of findings) {
    c[categoryOf(f)]++;
    if (f.suggestions.length) c.suggestion++;
  }
  return c;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function renderMarkdown(findings: readonly Finding[], options: ReportOptions = {}): string {
  const title = options.title ?? "Istio ambient migration report";
  const fixCommand = options.fixCommand ?? "eslint --fix";
  const lines: string[] = [`# ${title}`, ""];
  const total = countsOf(findings);
  const overall = verdictOf(findings);
  const files = new Set(findings.map((f) => f.file)).size;
  const linted = options.filesLinted ?? files;
  if (findings.length === 0) {
    lines.push(`**Verdict: ${VERDICT_TEXT.ready}** — no findings in ${plural(linted, "file")}.`, "");
    policySection(lines, options.policies, "##");
    return lines.join("\n");
  }
  const byUnit = groupBy(findings, (f) => f.unit ?? "");
  const namespaces = groupBy(findings, namespaceKey);
  const blockedNs = [...namespaces.values()].filter((fs) => verdictOf(fs) === "blocked").length;
  lines.push(
    `**Verdict: ${VERDICT_TEXT[overall]}**` +
      (overall === "blocked" ? ` — ${plural(total.blocker, "blocker")} in ${plural(blockedNs, "namespace")}.` : "."),
    "",
    `${plural(findings.length, "finding")} in ${plural(files, "file")} (${plural(linted, "file")} linted): ` +
      `${plural(total.blocker, "blocker")}, ${plural(total.required, "required change")}, ` +
      `${total.fix} fixed by ${code(fixCommand)}, ${total.suggestion} with editor suggestions.`,
    "",
    "```mermaid",
    "pie showData title Findings by what they need",
    ...(
      [
        ["Blockers", total.blocker],
        ["Required changes", total.required],
        ["Fixed by --fix", total.fix],
      ] as const
    )
      .filter(([, n]) => n > 0)
      .map(([label, n]) => `    "${label}" : ${n}`),
    "```",
    "",
  );
  const rank = (list: readonly Finding[]) => ({ blocked: 0, "ready-after-fix": 1, "ready-with-changes": 2, ready: 3 })[verdictOf(list)];
  const nsOrder = [...namespaces.keys()].sort((a, b) => rank(namespaces.get(a)!) - rank(namespaces.get(b)!) || a.localeCompare(b));
  const units = [...byUnit.keys()].sort((a, b) => rank(byUnit.get(a)!) - rank(byUnit.get(b)!) || a.localeCompare(b));
  const withUnits = units.some(Boolean);
  lines.push(
    `| ${withUnits ? "unit | " : ""}namespace | verdict | blockers | required changes | \`--fix\` | suggestions |`,
    `|${withUnits ? "---|" : ""}---|---|---|---|---|---|`,
  );
  for (const unit of withUnits ? units : [""]) {
    const nsGroups = groupBy(withUnits ? byUnit.get(unit)! : findings, namespaceKey);
    for (const ns of nsOrder.filter((k) => nsGroups.has(k))) {
      const list = nsGroups.get(ns)!;
      const c = countsOf(list);
      const unitCell = withUnits ? `${unit ? code(unit) : "(no unit)"} | ` : "";
      lines.push(`| ${unitCell}${inline(ns)} | ${VERDICT_TEXT[verdictOf(list)]} | ${c.blocker} | ${c.required} | ${c.fix} | ${c.suggestion} |`);
    }
  }
  lines.push("");
  policySection(lines, options.policies, "##");
  for (const unit of units) {
    const inUnit = byUnit.get(unit)!;
    const depth = unit ? "###" : "##";
    if (unit) lines.push(`## Unit ${code(unit)} — ${VERDICT_TEXT[verdictOf(inUnit)]}`, "");
    const nsGroups = groupBy(inUnit, namespaceKey);
    for (const ns of nsOrder.filter((k) => nsGroups.has(k))) {
      const inNs = nsGroups.get(ns)!;
      lines.push(`${depth} Namespace ${ns.startsWith("(") ? ns : code(ns)} — ${VERDICT_TEXT[verdictOf(inNs)]}`, "");
      const resources = groupBy([...inNs].sort(byPriority), resourceKey);
      for (const [resource, list] of resources) {
        lines.push(`${depth}# ${resource}`, "");
        section(lines, "Blockers", list.filter((f) => categoryOf(f) === "blocker"));
        section(lines, "Required changes", list.filter((f) => categoryOf(f) === "required"));
        section(lines, `What ${code(fixCommand)} does`, list.filter((f) => categoryOf(f) === "fix"));
        const suggested = list.filter((f) => f.suggestions.length);
        if (suggested.length) {
          lines.push("**Suggestions** (editor quick-fixes, to review)", "");
          for (const f of suggested) for (const s of f.suggestions) lines.push(`- line ${f.line}: ${inline(s)}`);
          lines.push("");
        }
      }
    }
  }
  lines.push(
    "<sub>Blockers are errors no automatic fix handles; required changes are warnings that need a human; " +
      `${code(fixCommand)} applies only the changes that keep each policy's meaning.</sub>`,
    "",
  );
  return lines.join("\n");
}

function section(lines: string[], heading: string, list: readonly Finding[]): void {
  if (!list.length) return;
  lines.push(`**${heading}**`, "");
  for (const f of list) lines.push(`- ${code(`${f.file}:${f.line}`)} ${inline(f.message)} (${ruleLink(f)})`);
  lines.push("");
}

/** Who enforces each AuthorizationPolicy today (sidecars) and after the move (ztunnel or a waypoint). */
function policySection(lines: string[], policies: readonly PolicyEnforcement[] | undefined, depth: string): void {
  if (!policies?.length) return;
  const changed = policies.filter((p) => p.changes).length;
  lines.push(
    `${depth} AuthorizationPolicies: who enforces them`,
    "",
    `${plural(policies.length, "policy", "policies")}; the move changes what ${changed === 1 ? "1 of them does" : `${changed} of them do`}.`,
    "",
    "| policy | action | today (sidecar mode) | after the move (ambient) |",
    "|---|---|---|---|",
  );
  for (const p of policies) {
    const id = `${p.namespace ? `${p.namespace}/` : ""}${p.name ?? "(unnamed)"}`;
    lines.push(`| ${p.changes ? "⚠️ " : ""}${code(id)} (${code(`${p.file}:${p.line}`)}) | ${p.action} | ${inline(p.today)} | ${inline(p.after)} |`);
  }
  lines.push("");
}
