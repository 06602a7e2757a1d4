#!/usr/bin/env node
// `npm run lint:corpus`: lint ../shared/corpus with the built plugin's strict config and print a table.
import plugin from "eslint-plugin-istio-ambient";
import { corpusFiles, lintCorpus, findingsTable, CORPUS } from "./lint-corpus.mjs";

const files = corpusFiles();
if (!files) {
  console.log(`No corpus at ${CORPUS}: nothing to lint.`);
  process.exit(0);
}
const findings = lintCorpus(plugin, files);
console.log(findingsTable(findings));
const withFindings = new Set(findings.map((f) => f.file)).size;
console.log(`\n${findings.length} finding(s) in ${withFindings} of ${files.length} files (${findings.filter((f) => f.fatal).length} parse errors).`);
