/**
 * Differential test of the deployment model against the real Kustomize: for every kustomization of the
 * fixture repositories and of ../shared/repos that `kubectl kustomize` (Kustomize 5.5) builds, the instances
 * of the model equal the rendered objects in (kind, namespace, name, labels, Service selector, pod template
 * labels). Kustomizations that kustomize itself cannot build (remote bases, missing files, Helm charts) are
 * skipped, and so are components (not buildable alone).
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { parseFile, plainDocuments } from "../../lib/index/extract.js";
import { listFiles, makeFilter } from "../../lib/index/files.js";
import { modelInput } from "../../lib/index/repo-index.js";
import { kustomizeBuild } from "../../lib/index/units.js";
import { isClusterScoped } from "../../lib/k8s/namespace.js";
import { settings } from "./helpers.js";
import type { ResourceRecord } from "../../lib/index/index.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, "../fixtures/repos");
const SHARED = path.resolve(HERE, "../../../shared/repos");

const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
const hasKubectl = kubectl.status === 0 && /Kustomize Version: v5/.test(kubectl.stdout);

type Row = string;

function podTemplateLabels(obj: Record<string, any>): Record<string, string> | undefined {
  const kind = obj.kind;
  const tpl =
    kind === "CronJob"
      ? obj.spec?.jobTemplate?.spec?.template
      : ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"].includes(kind)
        ? obj.spec?.template
        : undefined;
  if (!tpl) return undefined;
  return strings(tpl.metadata?.labels);
}

function strings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
}

function sorted(m: Record<string, string> | undefined | null): string {
  if (!m) return "-";
  return JSON.stringify(Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1))));
}

/** ConfigMaps and Secrets are left out: generators make them (hash-suffixed), and no rule reads them. */
const IGNORED_KINDS = new Set(["ConfigMap", "Secret"]);

function rowOfObject(obj: Record<string, any>): Row | null {
  if (!obj || typeof obj.kind !== "string" || typeof obj.apiVersion !== "string" || IGNORED_KINDS.has(obj.kind)) return null;
  const ns = isClusterScoped(obj.kind) ? "" : (obj.metadata?.namespace ?? "");
  const selector = obj.kind === "Service" && obj.apiVersion === "v1" ? sorted(obj.spec?.selector && Object.keys(obj.spec.selector).length ? strings(obj.spec.selector) : null) : "";
  const pods = podTemplateLabels(obj);
  return [obj.kind, ns, obj.metadata?.name ?? "", sorted(strings(obj.metadata?.labels)), selector, pods ? sorted(pods) : ""].join(" | ");
}

function rowOfRecord(r: ResourceRecord): Row {
  const ns = isClusterScoped(r.kind) ? "" : (r.namespace ?? "");
  const selector = r.kind === "Service" && r.group === "" ? sorted(r.selector && Object.keys(r.selector).length ? r.selector : null) : "";
  const pods = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "CronJob"].includes(r.kind) ? sorted(r.podLabels ?? {}) : "";
  return [r.kind, ns, r.name, sorted(r.labels), selector, pods].join(" | ");
}

/** Every kustomization directory below a repository root (not components), with the model's input. */
function kustomizations(root: string) {
  const listed = listFiles(root, makeFilter(["**/*.{yaml,yml,json}"], []));
  const parsed = listed.files.map((f): [string, ReturnType<typeof parseFile>] => [f.file, parseFile(f.file, fs.readFileSync(f.file, "utf8"))]);
  const input = modelInput(root, settings({ root }), parsed, { readPlain: (file) => (fs.existsSync(file) ? plainDocuments(fs.readFileSync(file, "utf8")) : undefined) });
  const dirs = [...input.kustomizations.values()].filter((k) => !k.component).map((k) => k.dir).sort();
  return { input, dirs };
}

function kustomizeRows(dir: string): Row[] | null {
  try {
    const out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    return parseAllDocuments(out)
      .map((d) => rowOfObject(d.toJS() as Record<string, any>))
      .filter((r): r is Row => !!r)
      .sort();
  } catch {
    return null; // kustomize cannot build it either (remote base, missing file, helm)
  }
}

const roots = [
  ...fs.readdirSync(FIXTURES).map((d) => path.join(FIXTURES, d)),
  ...(fs.existsSync(SHARED) ? fs.readdirSync(SHARED).map((d) => path.join(SHARED, d)).filter((d) => fs.statSync(d).isDirectory()) : []),
];

describe.skipIf(!hasKubectl)("the deployment model renders kustomizations as kubectl kustomize does", () => {
  let compared = 0;
  for (const root of roots) {
    it(`${path.relative(path.resolve(HERE, "../.."), root)}`, () => {
      const { input, dirs } = kustomizations(root);
      for (const dir of dirs) {
        const expected = kustomizeRows(dir);
        if (!expected) continue;
        const actual = kustomizeBuild(input, dir)
          .filter((r) => !IGNORED_KINDS.has(r.kind))
          .map(rowOfRecord)
          .sort();
        expect({ dir: path.relative(root, dir), rows: actual }).toEqual({ dir: path.relative(root, dir), rows: expected });
        compared++;
      }
    }, 120_000);
  }
  it("compared a meaningful number of kustomizations", () => {
    console.log(`kubectl kustomize: ${compared} kustomizations compared`);
    expect(compared).toBeGreaterThanOrEqual(fs.existsSync(SHARED) ? 20 : 3);
  });
});
