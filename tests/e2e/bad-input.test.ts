/**
 * Issue 9, bad input and fix safety, through the plugin's strict config (every rule on): one clear message per
 * bad file (alias bomb, UTF-16, binary), never a throw, the other documents and files still linted; YAML 1.1
 * values read as kubectl reads them; fixes and suggestions that never damage the file.
 */
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { EMPTY_REPO, applySuggestion } from "../helpers/lint.js";
import { parseValues } from "../helpers/edits.js";

const linter = new Linter({ configType: "flat" });
const config = [plugin.configs.strict, { settings: { "istio-ambient": { root: EMPTY_REPO } } }];
const lint = (text: string, name = "manifest.yaml") => linter.verify(text, config, `${EMPTY_REPO}/${name}`);
const fixAll = (text: string, name = "manifest.yaml") => linter.verifyAndFix(text, config, `${EMPTY_REPO}/${name}`);

const POLICY = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-get
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  rules:
  - to:
    - operation:
        methods: ["GET"]
`;

const ENVOYFILTER = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: lua
  namespace: bookinfo
spec:
  workloadSelector:
    labels:
      app: reviews
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.filters.http.lua
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
spec:
  selector:
    app: reviews
  ports:
  - port: 9080
`;

function aliasBomb(): string {
  let text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let prev = "a";
  for (const n of "bcdefghi") {
    text += `  ${n}: &${n} [${Array(9).fill("*" + prev).join(",")}]\n`;
    prev = n;
  }
  return text;
}

const own = (messages: Linter.LintMessage[]) => messages.filter((m) => m.messageId === "unreadable");

describe("bad input: one clear message, the rest still linted", () => {
  it("an alias bomb: one message on its document, the other documents linted", () => {
    const messages = lint(`${aliasBomb()}---\n${POLICY}`);
    expect(own(messages)).toHaveLength(1);
    expect(own(messages)[0]).toMatchObject({ line: 1, message: expect.stringMatching(/^Document 1 of this file was not linted: its aliases expand to/) });
    expect(messages.some((m) => m.ruleId === "istio-ambient/authorizationpolicy-targetrefs" && m.messageId !== "unreadable")).toBe(true);
  });

  it("an alias bomb in a document that is not a resource gets the message too", () => {
    const bomb = aliasBomb().split("\n").slice(5).join("\n").replace(/^ {2}/gm, "");
    expect(own(lint(bomb))).toHaveLength(1);
  });

  it("UTF-16 (LE and BE, with BOM) and UTF-16 without BOM: one message each", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POLICY, "utf16le")]);
    const be = Buffer.from(le).swap16();
    for (const [bytes, name] of [[le, "UTF-16 LE"], [be, "UTF-16 BE"], [Buffer.from(POLICY, "utf16le"), "UTF-16 LE"]] as const) {
      const messages = lint(bytes.toString("utf8"));
      expect(messages).toHaveLength(1);
      expect(messages[0].message).toBe(`This file is ${name}: ESLint reads files as UTF-8, so it was not linted; save it as UTF-8 (kubectl reads both).`);
    }
  });

  it("UTF-8 with BOM is linted like UTF-8, and --fix keeps the BOM", () => {
    const plain = lint(POLICY).map((m) => [m.ruleId, m.line, m.message]);
    expect(lint("\uFEFF" + POLICY).map((m) => [m.ruleId, m.line, m.message])).toEqual(plain);
    // The Service is bound to a waypoint deployed with it, so the selector → targetRefs fix applies.
    const bound =
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio.io/use-waypoint: waypoint\n---\n" +
      "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: waypoint\n  namespace: bookinfo\nspec:\n  gatewayClassName: istio-waypoint\n  listeners:\n  - {name: mesh, port: 15008, protocol: HBONE}\n---\n";
    const withService = `${POLICY}---\n${bound}${SERVICE}`;
    const fixed = fixAll("\uFEFF" + withService);
    expect(fixed.fixed).toBe(true);
    expect(fixed.output.startsWith("\uFEFF")).toBe(true);
  });

  it("a binary file named .yaml: one message", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0x08, 0x06, 0xff, 0xd8]);
    const messages = lint(png.toString("utf8"), "logo.yaml");
    expect(messages).toHaveLength(1);
    expect(messages[0].message).toMatch(/^This file is not text/);
  });

  it("nesting deeper than the parser can go is one parse error; deep but parseable is one message", () => {
    const tooDeep = lint(`${POLICY}---\na: ${"[".repeat(3000)}${"]".repeat(3000)}\n`);
    expect(tooDeep).toHaveLength(1);
    expect(tooDeep[0].fatal).toBe(true);
    const deep = lint(`${SERVICE.replace("  ports:", `  extra: ${"[".repeat(600)}${"]".repeat(600)}\n  ports:`)}---\n${POLICY}`);
    expect(own(deep).map((m) => m.message)).toEqual(["Document 1 of this file was not linted: it is nested more than 500 levels deep."]);
    expect(deep.some((m) => m.ruleId === "istio-ambient/authorizationpolicy-targetrefs" && m.messageId !== "unreadable")).toBe(true);
  });

  it("duplicate keys are the parser's one error; the next file is linted", () => {
    const messages = lint(POLICY.replace("  name: allow-get\n", "  name: allow-get\n  name: again\n"));
    expect(messages).toHaveLength(1);
    expect(messages[0].fatal).toBe(true);
    expect(lint(POLICY).length).toBeGreaterThan(0);
  });

  it("tags, non-string keys and scalars where maps are expected never throw", () => {
    const text = `${POLICY.replace("app: reviews", "app: !custom reviews\n      1: x\n      ? [a]\n      : y")}---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  k: !!binary aGVsbG8=\n---\n${POLICY.replace(/selector:[\s\S]*?rules:/, "selector: 3\n  rules:")}`;
    expect(lint(text).filter((m) => m.fatal)).toEqual([]);
  });
});

describe("YAML 1.1 values as kubectl reads them", () => {
  it("`ignoreUriCase: yes` is true: the VirtualService is not offered a case-sensitive conversion", () => {
    const vs = (v: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: bookinfo
spec:
  hosts:
  - reviews
  http:
  - match:
    - uri:
        prefix: /api
      ignoreUriCase: ${v}
    route:
    - destination:
        host: reviews
`;
    const on = lint(vs("yes"));
    const quoted = lint(vs('"yes"'));
    expect(on.some((m) => /ignoreUriCase/.test(m.message))).toBe(true);
    expect(lint(vs("true")).map((m) => m.message)).toEqual(on.map((m) => m.message));
    expect(quoted.some((m) => /ignoreUriCase/.test(m.message))).toBe(false);
  });
});

describe("fix and suggestion safety", () => {
  const suggestionsOf = (text: string, ruleId: string) => lint(text).filter((m) => m.ruleId === ruleId && m.suggestions?.length);

  it("deleting an EnvoyFilter ended by `...` keeps the Service after it", () => {
    const text = `${ENVOYFILTER}...\n---\n${SERVICE}`;
    const [m] = suggestionsOf(text, "istio-ambient/no-envoyfilter");
    const out = applySuggestion(text, m, m.suggestions!.findIndex((s) => s.messageId === "removeEnvoyFilter"));
    expect(parseValues(out)).toEqual(parseValues(SERVICE));
  });

  it("deleting an EnvoyFilter never cuts a ConfigMap's block scalar holding `---`", () => {
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  doc: |\n    ---\n    x: 1\n`;
    for (const text of [`${ENVOYFILTER}---\n${cm}`, `${cm}---\n${ENVOYFILTER}`]) {
      const [m] = suggestionsOf(text, "istio-ambient/no-envoyfilter");
      const out = applySuggestion(text, m, m.suggestions!.findIndex((s) => s.messageId === "removeEnvoyFilter"));
      expect(parseValues(out)).toEqual(parseValues(cm));
    }
  });

  it("deleting the first document keeps a comment line between documents", () => {
    const text = `${ENVOYFILTER}# ---- next ----\n---\n${SERVICE}`;
    const [m] = suggestionsOf(text, "istio-ambient/no-envoyfilter");
    const out = applySuggestion(text, m, m.suggestions!.findIndex((s) => s.messageId === "removeEnvoyFilter"));
    expect(out).toBe(`# ---- next ----\n---\n${SERVICE}`);
  });

  it("a targetRef written with a merge key is rewritten merged, never as a quoted \"<<\" key", () => {
    const text = `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\n  namespace: bookinfo\nspec:\n  targetRef:\n    <<: {kind: Service, group: ""}\n    name: reviews\n  jwtRules:\n  - issuer: https://example.com\n`;
    const out = fixAll(text).output;
    expect(out).not.toContain("<<");
    expect((parseValues(out)[0] as { spec: { targetRefs: unknown } }).spec.targetRefs).toEqual([{ kind: "Service", group: "", name: "reviews" }]);
  });

  it("a selector written with a merge key is seen, and no edit leaves both selector and targetRefs", () => {
    const text = `${POLICY.replace("  selector:\n    matchLabels:\n      app: reviews\n", "  <<: {selector: {matchLabels: {app: reviews}}}\n")}---\n${SERVICE}`;
    const messages = lint(text).filter((m) => m.ruleId === "istio-ambient/authorizationpolicy-targetrefs");
    expect(messages.length).toBeGreaterThan(0);
    const outputs = [fixAll(text).output, ...messages.flatMap((m) => (m.suggestions ?? []).map((_, i) => applySuggestion(text, m, i)))];
    for (const out of outputs) {
      const spec = (parseValues(out)[0] as { spec: Record<string, unknown> }).spec;
      expect("targetRefs" in spec && /<<:/.test(out)).toBe(false);
    }
  });

  it("removing the first key after `- ` keeps its trailing comment", () => {
    const text = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p\n  namespace: bookinfo\nspec:\n  targetRefs:\n  - namespace: bookinfo # same namespace\n    kind: Service\n    group: ""\n    name: reviews\n`;
    const out = fixAll(text).output;
    expect(out).not.toContain("namespace: bookinfo #");
    expect(out).toContain("# same namespace");
  });

  it("templated values are never compared or written: no finding about them, no edit of their resource", () => {
    const templated = POLICY.replace("app: reviews", "app: {{ .Values.app }}");
    const messages = lint(`${templated}---\n${SERVICE}`);
    expect(messages.filter((m) => /\[object Object\]/.test(m.message))).toEqual([]);
    expect(messages.filter((m) => m.line <= 13)).toEqual([]);
    const named = `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: {{ .Values.name }}\n  namespace: bookinfo\nspec:\n  jwtRules:\n  - issuer: https://example.com\n`;
    const found = lint(named);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((m) => !m.fix && !m.suggestions?.length)).toBe(true);
  });
});
