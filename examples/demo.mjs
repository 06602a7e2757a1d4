#!/usr/bin/env node
// `npm run demo`: lint the example sidecar-mode repository with configs.recommended, as a user would
// (`npx eslint .` inside examples/gitops), and summarise which rules fired and what --fix would change.
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import path from "node:path";

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), "gitops");
const eslint = new ESLint({ cwd });
const results = await eslint.lintFiles(["."]);
const formatter = await eslint.loadFormatter("stylish");
process.stdout.write(await formatter.format(results, { cwd, rulesMeta: eslint.getRulesMetaForResults(results) }));

const plugin = (await import("eslint-plugin-istio-ambient")).default;
const counts = new Map(Object.keys(plugin.rules).map((id) => [`istio-ambient/${id}`, 0]));
let fixable = 0;
let suggestions = 0;
for (const r of results) {
  for (const m of r.messages) {
    if (m.ruleId) counts.set(m.ruleId, (counts.get(m.ruleId) ?? 0) + 1);
    if (m.fix) fixable++;
    if (m.suggestions?.length) suggestions++;
  }
}
console.log("Findings per rule (configs.recommended):");
for (const [id, n] of counts) console.log(`  ${String(n).padStart(3)}  ${id}`);
console.log(`\n${fixable} finding(s) fixable with \`eslint --fix\`, ${suggestions} with editor suggestions.`);
console.log(`Try it: cd examples/gitops && npx eslint . --fix-dry-run --format json`);
