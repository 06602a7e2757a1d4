/**
 * Plain values as kubectl reads them, bounded: YAML 1.1 scalars, keys, merge keys, tags, templates, aliases
 * (bombs, cycles), nesting depth; resources read header first; encodings.
 */
import { describe, expect, it } from "vitest";
import * as yamlParser from "yaml-eslint-parser";
import type { AST } from "yaml-eslint-parser";
import { readValue, resolvePlain, DEFAULT_LIMITS } from "../../lib/yaml/value.js";
import { keyName, locate, reportNode, walk } from "../../lib/yaml/ast.js";
import { resourcesOf, unreadDocumentsOf } from "../../lib/yaml/documents.js";
import { decodeManifest, textProblem, describeTextProblem } from "../../lib/yaml/encoding.js";
import { fileProblems } from "../../lib/yaml/file-problems.js";
import { emitScalar } from "../../lib/yaml/emit.js";

const parse = (text: string) => yamlParser.parseForESLint(text).ast as AST.YAMLProgram;
const valueOf = (text: string) => readValue(parse(text).body[0].content);

/** The 526-byte-class alias bomb of the issue: nine levels of nine aliases (9^9 ≈ 387M leaves). */
function aliasBomb(prefix = ""): string {
  let text = prefix + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let prev = "a";
  for (const n of "bcdefghi") {
    text += `${n}: &${n} [${Array(9).fill("*" + prev).join(",")}]\n`;
    prev = n;
  }
  return text;
}

describe("scalars as kubectl reads them (go-yaml v2, YAML 1.1)", () => {
  it.each([
    ["on", true], ["On", true], ["ON", true], ["yes", true], ["Yes", true], ["y", true], ["Y", true], ["true", true],
    ["off", false], ["no", false], ["NO", false], ["n", false], ["N", false], ["False", false],
    ["~", null], ["null", null], ["", null],
    ["0777", 511], ["0o17", 15], ["0x1F", 31], ["0b101", 5], ["-0b11", -3], ["1_000", 1000], ["+12", 12], ["-7", -7], ["0", 0],
    ["08", 8], ["1.5", 1.5], ["1e3", 1000], [".5", 0.5], [".inf", Infinity], ["-.Inf", -Infinity],
    ["2001-12-14", "2001-12-14"], ["1:20", "1:20"], ["ony", "ony"], ["yess", "yess"], ["0x", "0x"], ["-", "-"], ["v1", "v1"],
  ])("%s → %s", (text, expected) => {
    expect(resolvePlain(text)).toEqual(expected);
  });

  it("reads plain 1.1 booleans as booleans, quoted ones as strings, tags as written", () => {
    const { value } = valueOf(`a: on\nb: "on"\nc: !!str yes\nd: !custom 0777\ne: !!binary aGVsbG8=\nf: 0777\ng: |\n  yes\n`);
    expect(value).toEqual({ a: true, b: "on", c: "yes", d: "0777", e: "hello", f: 511, g: "yes\n" });
  });

  it("names keys as sigs.k8s.io/yaml does, and drops collection keys", () => {
    const text = `1: a\non: b\n1.5: c\n[x]: d\n{y: 1}: e\n"no": f\n`;
    expect(valueOf(text).value).toEqual({ "1": "a", true: "b", "1.5": "c", no: "f" });
    const mapping = parse(text).body[0].content as AST.YAMLMapping;
    expect(mapping.pairs.map(keyName)).toEqual(["1", "true", "1.5", null, null, "no"]);
    expect(locate(mapping, ["true"])?.node).toMatchObject({ value: "b" });
  });

  it("emits strings that kubectl would read as something else in quotes", () => {
    for (const s of ["on", "y", "0777", "0b101", "1_000", "-0x1F", "08", "{{ x }}"]) expect(emitScalar(s)).toBe(JSON.stringify(s));
    for (const s of ["reviews", "v1", "bookinfo/reviews"]) expect(emitScalar(s)).toBe(s);
  });
});

describe("merge keys", () => {
  it("merges maps, lists of maps and inline maps in go-yaml v2's order", () => {
    const text = `base: &b {kind: Service, group: ""}\nother: &o {kind: Gateway, port: 1}\nx:\n  <<: *b\n  name: reviews\nw:\n  <<: [*b, *o]\nz:\n  <<: {kind: Service, group: ""}\n  name: r\n`;
    const { value } = valueOf(text);
    expect((value as Record<string, unknown>).x).toEqual({ kind: "Service", group: "", name: "reviews" });
    expect((value as Record<string, unknown>).w).toEqual({ kind: "Service", group: "", port: 1 });
    expect((value as Record<string, unknown>).z).toEqual({ kind: "Service", group: "", name: "r" });
    expect(Object.keys((value as Record<string, Record<string, unknown>>).z)).not.toContain("<<");
  });

  it("a quoted \"<<\" is an ordinary key", () => {
    expect(valueOf(`"<<": {a: 1}\n`).value).toEqual({ "<<": { a: 1 } });
  });

  it("reports a key only a merge provides at the `<<` key", () => {
    const program = parse(`spec:\n  <<: {selector: {app: x}}\n  action: DENY\n`);
    const node = reportNode(program.body[0].content!, ["spec", "selector", "app"]);
    expect(node.type).toBe("YAMLScalar");
    expect((node as AST.YAMLScalar).value).toBe("<<");
  });

  it("bounds merge work (a chain of merges cannot grow quadratically without limit)", () => {
    let text = "a0: &a0 {k0: 0}\n";
    for (let i = 1; i < 300; i++) text += `a${i}: &a${i} {<<: *a${i - 1}, k${i}: ${i}}\n`;
    const ok = valueOf(text);
    expect(ok.problem).toBeNull();
    expect(Object.keys((ok.value as Record<string, object>).a299)).toHaveLength(300);
    const tight = readValue(parse(text).body[0].content, { ...DEFAULT_LIMITS, maxAliasNodes: 10_000 });
    expect(tight.problem?.kind).toBe("aliases");
  });
});

describe("aliases, cycles, depth", () => {
  it("an alias bomb is refused without being expanded", () => {
    const read = valueOf(aliasBomb());
    expect(read.value).toBeUndefined();
    expect(read.problem).toMatchObject({ kind: "aliases" });
    expect(read.problem?.kind === "aliases" && read.problem.nodes).toBeGreaterThan(1e8);
  });

  it("large scalars repeated by aliases are bounded by size", () => {
    const big = "x".repeat(1 << 20);
    const text = `a: &a "${big}"\nb: [${Array(40).fill("*a").join(", ")}]\n`;
    expect(valueOf(text).problem).toMatchObject({ kind: "aliases", why: "chars" });
  });

  it("ordinary anchors are shared and read", () => {
    const read = valueOf(`a: &l {app: x}\nb: *l\nc: [*l, *l]\n`);
    expect(read.problem).toBeNull();
    expect(read.value).toEqual({ a: { app: "x" }, b: { app: "x" }, c: [{ app: "x" }, { app: "x" }] });
  });

  it("go-yaml's excessive-aliasing ratio is applied (kubectl rejects such documents)", () => {
    const text = `a: &a [${Array(20).fill("1").join(",")}]\nb: [${Array(200).fill("*a").join(",")}]\n`;
    expect(valueOf(text).problem).toBeNull(); // 200 aliases, ~4,400 nodes: under go-yaml's 99% share
    const many = `a: &a 1\nb: [${Array(2000).fill("*a").join(",")}]\n`;
    expect(valueOf(many).problem).toBeNull(); // each alias use is one node: the share stays under 99%
  });

  it("an alias to its own anchor is a cycle, refused", () => {
    expect(valueOf(`a: &a [*a]\n`).problem).toMatchObject({ kind: "alias-cycle", name: "a" });
  });

  it("nesting beyond the limit is refused, iteratively walked ASTs stay linear", () => {
    const depth = 400;
    const text = "a: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
    const program = parse(text);
    expect(readValue(program.body[0].content, { ...DEFAULT_LIMITS, maxDepth: 100 }).problem).toMatchObject({ kind: "depth" });
    expect(readValue(program.body[0].content).problem).toBeNull();
    expect([...walk(program.body[0])].length).toBeGreaterThan(depth);
  });

  it("the alias an anchor redefinition shadows resolves to the nearest earlier anchor", () => {
    expect(valueOf(`a: &x 1\nb: *x\nc: &x 2\nd: *x\n`).value).toEqual({ a: 1, b: 1, c: 2, d: 2 });
  });
});

describe("templated values", () => {
  it("are unknown: left out of the value and listed", () => {
    const read = valueOf(`metadata:\n  name: {{ .Values.name }}\n  labels: {app: "{{ .Release.Name }}"}\nspec:\n  hosts:\n  - {{ .Values.host }}\n  - reviews\n`);
    expect(read.value).toEqual({ metadata: { labels: {} }, spec: { hosts: [null, "reviews"] } });
    expect(read.templated).toEqual([["metadata", "name"], ["metadata", "labels", "app"], ["spec", "hosts", 0]]);
  });

  it("are listed on the resource", () => {
    const [r] = resourcesOf(parse(`apiVersion: v1\nkind: Service\nmetadata: {name: {{ .Values.name }}}\nspec: {selector: {app: x}}\n`));
    expect(r.name).toBeUndefined();
    expect(r.templated).toEqual([["metadata", "name"]]);
  });
});

describe("resources: header first", () => {
  it("a document that is not a resource is never read (its depth is never measured)", () => {
    const deep = "a: " + "[".repeat(600) + "]".repeat(600) + "\n";
    const program = parse(`${deep}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n`);
    expect(resourcesOf(program).map((r) => r.name)).toEqual(["s"]);
    expect(unreadDocumentsOf(program)).toEqual([]);
  });

  it("a resource nested too deep is refused with a message; the other documents are read", () => {
    const deep = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: " + "[".repeat(600) + "]".repeat(600) + "\n";
    const program = parse(`${deep}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n`);
    expect(resourcesOf(program).map((r) => r.name)).toEqual(["s"]);
    expect(unreadDocumentsOf(program).map((u) => u.message)).toEqual(["Document 1 of this file was not linted: it is nested more than 500 levels deep."]);
  });

  it("an alias bomb, in a resource or not, gets one message; other documents are read", () => {
    const program = parse(`${aliasBomb("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")}---\n${aliasBomb()}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n`);
    expect(resourcesOf(program).map((r) => r.name)).toEqual(["s"]);
    const unread = unreadDocumentsOf(program);
    expect(unread.map((u) => u.documentIndex)).toEqual([0, 1]);
    expect(unread[0].message).toMatch(/^Document 1 of this file was not linted: its aliases expand to [\d,]+ nodes from [\d,]+ alias uses/);
  });

  it("the header may come from aliases and merge keys", () => {
    const program = parse(`x: &k Service\napiVersion: v1\nkind: *k\nmetadata:\n  <<: {name: s, namespace: ns}\n`);
    expect(resourcesOf(program).map((r) => [r.kind, r.name, r.namespace])).toEqual([["Service", "s", "ns"]]);
  });

  it("file problems are told once per AST", () => {
    const program = parse(aliasBomb());
    expect(fileProblems(program, "a: 1").reports).toHaveLength(1);
    expect(fileProblems(program, "a: 1").reports).toHaveLength(0);
  });
});

describe("encodings", () => {
  const yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: café\n";
  const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(yaml, "utf16le")]);
  const utf16be = Buffer.from(utf16le).swap16();

  it("decodes UTF-8 (with and without BOM), UTF-16 LE/BE with BOM, UTF-16 without BOM, UTF-32", () => {
    expect(decodeManifest(Buffer.from(yaml))).toEqual({ text: yaml, encoding: "utf-8", bom: false });
    expect(decodeManifest(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(yaml)]))).toEqual({ text: yaml, encoding: "utf-8", bom: true });
    expect(decodeManifest(utf16le)).toEqual({ text: yaml, encoding: "utf-16le", bom: true });
    expect(decodeManifest(utf16be)).toEqual({ text: yaml, encoding: "utf-16be", bom: true });
    expect(decodeManifest(Buffer.from(yaml, "utf16le"))).toEqual({ text: yaml, encoding: "utf-16le", bom: false });
    const utf32 = Buffer.alloc(4 + yaml.length * 4);
    utf32.set([0xff, 0xfe, 0, 0]);
    [...yaml].forEach((c, i) => utf32.writeUInt32LE(c.codePointAt(0)!, 4 + i * 4));
    expect(decodeManifest(utf32)).toMatchObject({ text: yaml, encoding: "utf-32le" });
  });

  it("a binary file is binary", () => {
    expect(decodeManifest(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0x00, 0x12]))).toEqual({ text: null, binary: true });
  });

  it("recognises UTF-16 and binary files in the text ESLint decoded as UTF-8", () => {
    expect(textProblem(utf16le.toString("utf8"))).toEqual({ kind: "encoding", encoding: "utf-16le" });
    expect(textProblem(utf16be.toString("utf8"))).toEqual({ kind: "encoding", encoding: "utf-16be" });
    expect(textProblem("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\x10")).toEqual({ kind: "binary" });
    expect(textProblem(yaml)).toBeNull();
    expect(describeTextProblem({ kind: "encoding", encoding: "utf-16le" })).toBe(
      "This file is UTF-16 LE: ESLint reads files as UTF-8, so it was not linted; save it as UTF-8 (kubectl reads both).",
    );
  });
});
