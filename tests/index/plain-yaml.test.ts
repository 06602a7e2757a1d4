/**
 * The index's two YAML readers (lib/index/plain-yaml.ts) agree: wherever the line scanner reads a text, it
 * gives what the `yaml`-package reader gives (values, document count, start lines, `items` lines), over every
 * YAML file of the fixtures, the examples and the shared corpora. And both read as the rules read
 * (lib/yaml/value.ts): YAML 1.1 scalars as kubectl does.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDocuments, readDocuments, scanDocuments } from "../../lib/index/plain-yaml.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const roots = [
  path.resolve(here, "../fixtures"),
  path.resolve(here, "../../examples"),
  path.resolve(here, "../../../shared/corpus"),
  path.resolve(here, "../../../shared/repos"),
];

function yamlFiles(dir: string, out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules" && e.name !== ".git") yamlFiles(p, out);
    } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

describe("plain-yaml: the scanner reads what the parser reads", () => {
  it("over the fixtures, the examples and the shared corpora", () => {
    let scanned = 0;
    let total = 0;
    const mismatches: string[] = [];
    for (const root of roots) {
      for (const file of yamlFiles(root)) {
        const text = fs.readFileSync(file, "utf8");
        total++;
        const fast = scanDocuments(text);
        if (fast === undefined) continue;
        scanned++;
        const slow = parseDocuments(text);
        try {
          expect(fast).toEqual(slow);
        } catch {
          mismatches.push(path.relative(here, file));
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Most manifests are plain block YAML: the scanner must read the bulk of them.
    expect(scanned).toBeGreaterThan(total / 2);
  });

  it("gives up on what it does not read, and agrees on the small cases", () => {
    const cases = [
      "a: 1\n---\n",
      "---\n---\n",
      "# only a comment\n",
      "# header\n---\napiVersion: v1\nkind: List\nitems:\n- kind: Service\n  metadata:\n    name: a\n-\n  kind: Service\n",
      "a:\n- b\n- c: 1\n  d: 2\ne: [x, 'y', \"z\"]\nf: {}\ng: ''\nh: 'it''s'\n",
      "on: yes\noff: no\nmode: 0777\nsize: 1_000\nb: 0b101\nf: 1.5\nnil: ~\nq: \"on\"\n",
      "a: x # comment\nb: \"x\" # comment\nc: http://example.com/a#b\n",
      "key:\n  nested:\n    - 1\n    -   k: v\n        l: w\n",
    ];
    for (const text of cases) {
      const fast = scanDocuments(text);
      expect(fast, text).toBeDefined();
      expect(fast, text).toEqual(parseDocuments(text));
    }
    for (const text of [
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "a: |\n  text\n",
      "a: b\n  c\n",
      "a: {b: 1}\n",
      "<<: {a: 1}\n",
      "a: 1\na: 2\n",
      "a: \"x\\ty\"\n",
      "- a\n",
      "a: b: c\n",
      "a: 1\n...\n",
      "%YAML 1.1\n---\na: 1\n",
      "a: [b, [c]]\n",
      "a:\t1\n",
    ]) {
      expect(scanDocuments(text), text).toBeUndefined();
    }
  });

  it("reads YAML 1.1 scalars and merge keys as kubectl (and the rules) do", () => {
    const [doc] = readDocuments("on: yes\nmode: 0777\nsize: 1_000\nlabel: off\nquoted: \"on\"\nn: 1\n")!;
    expect(doc.value).toEqual({ true: true, mode: 511, size: 1000, label: false, quoted: "on", false: 1 });
    // go-yaml v2: merges in pair order (a later key wins).
    const [merged] = readDocuments("base: &b {a: 1, b: 2}\nm:\n  a: 0\n  <<: *b\n")!;
    expect((merged.value as { m: unknown }).m).toEqual({ a: 1, b: 2 });
    expect(readDocuments("a: [\n")).toBeNull();
  });
});
