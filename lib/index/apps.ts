/**
 * What an Argo CD Application (and each element of an ApplicationSet list generator) or a Flux Kustomization
 * deploys, read from its plain value. Pure; the deployment model (./units.ts) turns these into units.
 */
import { asArray, isObject } from "../k8s/resource.js";
import type { Labels } from "../k8s/selector.js";
import type { AppSpec } from "./types.js";

/** Reads `deploys` of an Argo CD Application / ApplicationSet or a Flux Kustomization (plain value). */
export function appSpecs(kind: string, group: string, name: string, value: Record<string, unknown>): AppSpec[] | undefined {
  const spec = isObject(value.spec) ? value.spec : {};
  if (group === "argoproj.io" && kind === "Application") {
    const one = argoApp(name, spec);
    return one ? [one] : undefined;
  }
  if (group === "argoproj.io" && kind === "ApplicationSet") {
    const template = isObject(spec.template) ? spec.template : {};
    const out: AppSpec[] = [];
    for (const gen of asArray(spec.generators)) {
      if (!isObject(gen) || !isObject(gen.list)) continue;
      for (const element of asArray(gen.list.elements)) {
        if (!isObject(element)) continue;
        const filled = substitute(template, element) as Record<string, unknown>;
        const meta = isObject(filled.metadata) ? filled.metadata : {};
        const appName = typeof meta.name === "string" ? meta.name : `${name}-${out.length}`;
        const one = argoApp(appName, isObject(filled.spec) ? filled.spec : {});
        if (one) out.push(one);
      }
    }
    return out.length ? out : undefined;
  }
  if (group === "kustomize.toolkit.fluxcd.io" && kind === "Kustomization") {
    const p = typeof spec.path === "string" ? spec.path : "./";
    const meta = isObject(spec.commonMetadata) ? spec.commonMetadata : {};
    const s: AppSpec = { origin: "flux", name, paths: [p], recurse: true, override: true };
    if (typeof spec.targetNamespace === "string" && spec.targetNamespace) s.namespace = spec.targetNamespace;
    if (isObject(meta.labels)) s.labels = strMap(meta.labels);
    if (isObject(meta.annotations)) s.annotations = strMap(meta.annotations);
    return [s];
  }
  return undefined;
}

function strMap(v: Record<string, unknown>): Labels {
  const out: Labels = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined && typeof x !== "object") out[k] = String(x);
  return out;
}

function argoApp(name: string, spec: Record<string, unknown>): AppSpec | null {
  const sources = [...(isObject(spec.source) ? [spec.source] : []), ...asArray(spec.sources).filter(isObject)];
  const destination = isObject(spec.destination) ? spec.destination : {};
  const sync = isObject(spec.syncPolicy) ? spec.syncPolicy : {};
  const options = asArray(sync.syncOptions).filter((o): o is string => typeof o === "string");
  const out: AppSpec = { origin: "argocd", name, paths: [], recurse: false, override: false };
  for (const src of sources) {
    if (typeof src.chart === "string") out.helm = `Helm chart ${src.chart}`;
    else if (typeof src.path === "string" && !src.path.includes("{{")) out.paths.push(src.path);
    const dirOpts = isObject(src.directory) ? src.directory : {};
    if (dirOpts.recurse === true) out.recurse = true;
  }
  if (typeof destination.namespace === "string" && destination.namespace && !destination.namespace.includes("{{")) out.namespace = destination.namespace;
  const managed = isObject(sync.managedNamespaceMetadata) ? sync.managedNamespaceMetadata : {};
  if (options.some((o) => o.replace(/\s/g, "") === "CreateNamespace=true") && isObject(managed.labels)) out.namespaceLabels = strMap(managed.labels);
  return out.paths.length || out.helm ? out : null;
}

/** ApplicationSet templates: `{{key}}` / `{{.key}}` / `{{ .key }}` replaced by the list element's values. */
function substitute(value: unknown, element: Record<string, unknown>): unknown {
  if (typeof value === "string") {
    return value.replace(/\{\{\s*\.?([\w.-]+)\s*\}\}/g, (m, key: string) => {
      const v = key.split(".").reduce<unknown>((acc, k) => (isObject(acc) ? acc[k] : undefined), element);
      return v === undefined || v === null || typeof v === "object" ? m : String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, element));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, element)]));
  return value;
}
