/**
 * File text → compact records. Pure (no file system): the documents' plain values (./plain-yaml.ts: YAML 1.1, as
 * kubectl and the rules read them), of which only per-kind extracts are kept. Never throws: a file that does not parse, or holds no Kubernetes object, yields nothing.
 */
import path from "node:path";
import { readDocuments } from "./plain-yaml.js";
import { asArray, asString, isIstioGroup, isObject, labelsOf, readHeader, stringMap, GATEWAY_API_GROUP } from "../k8s/resource.js";
import type { ResourceHeader, PlainObject } from "../k8s/resource.js";
import { serviceSelector, workloadSelectorLabels, type Labels } from "../k8s/selector.js";
import { isClusterScoped } from "../k8s/namespace.js";
import { servicePorts } from "../k8s/service.js";
import { readKustomization, type KustomizationInfo } from "./kustomize.js";
import { appSpecs } from "./apps.js";
import type { AllowedNamespaces, Listener, ObjectRef, ResourceRecord, Subset } from "./types.js";

/** What the index keeps of one file. */
export type ParsedFile =
  | { type: "resources"; records: ResourceRecord[] }
  | { type: "kustomization"; kustomization: KustomizationInfo }
  | { type: "none" };

export type { KustomizationInfo } from "./kustomize.js";

const KUSTOMIZATION_NAMES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);

export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_NAMES.has(path.basename(file));
}

const NONE: ParsedFile = { type: "none" };

/** Parses one file (absolute path `file`) into records or kustomization info. Never throws. */
export function parseFile(file: string, text: string): ParsedFile {
  try {
    if (isKustomizationFile(file)) return parseKustomization(file, text);
    return parseManifests(file, text);
  } catch {
    return NONE;
  }
}

function parseManifests(file: string, text: string): ParsedFile {
  // Cheap pre-filter: a manifest names both fields (JSON: `"apiVersion"`; YAML: `apiVersion:`).
  if (!text.includes("apiVersion") || !text.includes("kind")) return NONE;
  const docs = readDocuments(text);
  if (!docs) return NONE;
  const records: ResourceRecord[] = [];
  const mayBeTemplated = text.includes("{{");
  docs.forEach((doc, documentIndex) => {
    const value = doc.value;
    // A Go template (`app: {{ .Values.x }}` parses as a flow map keyed by a flow map) is not a manifest yet:
    // its values are unknown, so nothing of it is indexed (lint the rendered output instead).
    if (!isObject(value) || (mayBeTemplated && doc.template)) return;
    const header = readHeader(value);
    if (!header || templated(value)) return;
    if (header.kind === "List" || (header.kind.endsWith("List") && Array.isArray(value.items))) {
      asArray(value.items).forEach((item, listIndex) => {
        const itemHeader = readHeader(item);
        if (!itemHeader || !isObject(item) || templated(item)) return;
        const rec = makeRecord(file, doc.itemLines?.[listIndex] ?? doc.line, documentIndex, itemHeader, item);
        rec.listIndex = listIndex;
        records.push(intern(rec));
      });
      return;
    }
    if (header.group === "kustomize.config.k8s.io") return; // Kustomization / Component: not cluster objects
    records.push(intern(makeRecord(file, doc.line, documentIndex, header, value)));
  });
  return records.length ? { type: "resources", records } : NONE;
}

function parseKustomization(file: string, text: string): ParsedFile {
  const docs = readDocuments(text);
  if (!docs || !docs.length) return NONE;
  const value = docs[0].value;
  if (!isObject(value)) return NONE;
  const dir = path.dirname(file);
  const info = readKustomization(value, dir, (p) => path.resolve(dir, p), plainDocuments);
  return { type: "kustomization", kustomization: info };
}

/** The plain values of the documents of a YAML (or JSON) text; [] when it does not parse. Never throws. */
export function plainDocuments(text: string): unknown[] {
  try {
    return (readDocuments(text) ?? []).map((d) => d.value).filter((v) => v !== null && v !== undefined);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Records live as long as the index: their strings are interned, one copy per distinct value. A string cut out of
// a file's text (a V8 sliced string, e.g. `networking.istio.io/v1`) would otherwise keep the whole text alive.

const interned = new Map<string, string>();

/** Forgets the interned strings (with `clearIndexCache`: the records that share them are gone too). */
export function clearInterned(): void {
  interned.clear();
}

function internString(s: string): string {
  let copy = interned.get(s);
  if (copy === undefined) {
    if (interned.size >= 250_000) interned.clear();
    // A flat copy (never a slice of the text it was read from).
    copy = s.length >= 13 ? JSON.parse(JSON.stringify(s)) as string : s;
    interned.set(copy, copy);
  }
  return copy;
}

/** The record with every string (keys aside: V8 interns those) replaced by its interned copy, in place. */
function intern<T>(value: T, depth = 0): T {
  if (typeof value === "string") return internString(value) as T;
  if (depth > 64 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = intern(value[i], depth + 1);
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    // A record's `file` is the index's own path string, one per file already.
    if (depth === 0 && k === "file") continue;
    const v = obj[k];
    if (typeof v === "string" || (typeof v === "object" && v !== null)) obj[k] = intern(v, depth + 1);
  }
  return value;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Rollout"]);
const POLICY_KINDS = new Set([
  "AuthorizationPolicy",
  "RequestAuthentication",
  "PeerAuthentication",
  "Telemetry",
  "WasmPlugin",
  "TrafficExtension",
]);
const ROUTE_KINDS = new Set(["HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"]);

function makeRecord(file: string, line: number, documentIndex: number, header: ResourceHeader, value: PlainObject): ResourceRecord {
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const clusterScoped = isClusterScoped(header.kind);
  const namespace = clusterScoped ? undefined : header.namespace?.trim() || undefined;
  const rec: ResourceRecord = {
    file,
    line,
    documentIndex,
    apiVersion: header.apiVersion,
    group: header.group,
    kind: header.kind,
    name: header.name ?? "",
    namespace,
    namespaceSource: clusterScoped ? "cluster" : namespace ? "metadata" : "unknown",
    labels: labelsOf(value),
    annotations: istioAnnotations(metadata.annotations),
    partial: false,
  };
  const spec = isObject(value.spec) ? value.spec : {};
  const { kind, group } = header;
  if (group === "argoproj.io" || group === "kustomize.toolkit.fluxcd.io") {
    const deploys = appSpecs(kind, group, rec.name, value);
    if (deploys) rec.deploys = deploys;
  }

  if (kind === "Service" && group === "") {
    rec.selector = serviceSelector(spec);
    rec.ports = servicePorts(spec);
    if (typeof spec.type === "string") rec.serviceType = spec.type;
  } else if (kind === "Gateway" && group === GATEWAY_API_GROUP) {
    rec.gatewayClassName = asString(spec.gatewayClassName);
    rec.listeners = asArray(spec.listeners).filter(isObject).map(listener);
    rec.serviceAccount = rec.annotations["gateway.istio.io/service-account"] || rec.name;
    if (rec.labels["istio.io/waypoint-for"] !== undefined) rec.waypointFor = rec.labels["istio.io/waypoint-for"];
  } else if (kind === "Gateway" && isIstioGroup(group)) {
    rec.selector = isObject(spec.selector) ? stringMap(spec.selector) : null;
  } else if (kind === "VirtualService" && isIstioGroup(group)) {
    rec.hosts = strings(spec.hosts);
    rec.gateways = strings(spec.gateways);
    rec.mesh = rec.gateways.length === 0 || rec.gateways.includes("mesh");
    const uses = destinations(spec);
    rec.subsetsUsed = dedupe(
      uses.filter((d) => d.subset).map((d) => ({ host: d.host, subset: d.subset! })),
      (u) => `${u.host}\0${u.subset}`,
    );
    rec.destinationHosts = [...new Set(uses.map((d) => d.host))];
    if (isObject(value.spec)) rec.spec = value.spec;
  } else if (kind === "ServiceEntry" && isIstioGroup(group)) {
    rec.hosts = strings(spec.hosts);
  } else if (kind === "DestinationRule" && isIstioGroup(group)) {
    rec.host = asString(spec.host);
    rec.subsets = asArray(spec.subsets)
      .filter(isObject)
      .map((s): Subset | null =>
        typeof s.name === "string"
          ? { name: s.name, labels: stringMap(s.labels), ...(s.trafficPolicy !== undefined ? { hasTrafficPolicy: true } : {}) }
          : null,
      )
      .filter((s): s is Subset => !!s);
    if (spec.trafficPolicy !== undefined) rec.hasTrafficPolicy = true;
  } else if (ROUTE_KINDS.has(kind) && group === GATEWAY_API_GROUP) {
    rec.parentRefs = refs(spec.parentRefs);
    rec.backendRefs = asArray(spec.rules).flatMap((r) => (isObject(r) ? refs(r.backendRefs) : []));
  } else if (POLICY_KINDS.has(kind) && isIstioGroup(group)) {
    rec.selector = workloadSelectorLabels(spec.selector);
    rec.targetRefs = [...(isObject(spec.targetRef) ? refs([spec.targetRef]) : []), ...refs(spec.targetRefs)];
    if (kind === "AuthorizationPolicy") {
      rec.action = asString(spec.action) ?? "ALLOW";
      if (Array.isArray(spec.rules)) rec.rules = spec.rules;
    }
    if (kind === "PeerAuthentication" && isObject(spec.mtls) && typeof spec.mtls.mode === "string") rec.mtlsMode = spec.mtls.mode;
  } else if (kind === "EnvoyFilter" && isIstioGroup(group)) {
    rec.selector = isObject(spec.workloadSelector) ? stringMap(spec.workloadSelector.labels) : null;
    rec.targetRefs = refs(spec.targetRefs);
  } else if (kind === "Pod" && group === "") {
    rec.podLabels = rec.labels;
    const sa = asString(spec.serviceAccountName);
    if (sa) rec.serviceAccountName = sa;
  } else if (WORKLOAD_KINDS.has(kind) || kind === "CronJob") {
    let template: unknown = spec.template;
    if (kind === "CronJob") {
      const jobSpec = isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : {};
      template = jobSpec.template;
    }
    rec.podLabels = labelsOf(template);
    const podSpec = isObject(template) && isObject(template.spec) ? template.spec : {};
    const sa = asString(podSpec.serviceAccountName);
    if (sa) rec.serviceAccountName = sa;
  }
  return rec;
}

/** `metadata.name` / `namespace` present but not strings: a template (`name: {{ .Values.name }}` parses as a map). */
function templated(value: PlainObject): boolean {
  const metadata = value.metadata;
  if (!isObject(metadata)) return false;
  return ["name", "namespace"].some((k) => metadata[k] !== undefined && metadata[k] !== null && typeof metadata[k] !== "string");
}

function istioAnnotations(value: unknown): Labels {
  const all = stringMap(value);
  const out: Labels = {};
  for (const [k, v] of Object.entries(all)) if (k.includes("istio.io")) out[k] = v;
  return out;
}

function strings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === "string");
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function listener(l: PlainObject): Listener {
  const out: Listener = {};
  if (typeof l.name === "string") out.name = l.name;
  const port = num(l.port);
  if (port !== undefined) out.port = port;
  if (typeof l.protocol === "string") out.protocol = l.protocol;
  if (typeof l.hostname === "string") out.hostname = l.hostname;
  const allowed = isObject(l.allowedRoutes) ? l.allowedRoutes.namespaces : undefined;
  if (allowed !== undefined && allowed !== null) out.allowedNamespaces = allowedNamespaces(allowed);
  return out;
}

/** `allowedRoutes.namespaces` of a listener as plain data (`unreadable` when it is not a plain mapping). */
function allowedNamespaces(value: unknown): AllowedNamespaces {
  if (!isObject(value)) return { unreadable: true };
  const out: AllowedNamespaces = {};
  if (typeof value.from === "string") out.from = value.from;
  else if (value.from !== undefined && value.from !== null) out.unreadable = true;
  const selector = value.selector;
  if (isObject(selector)) {
    if (isObject(selector.matchLabels)) out.matchLabels = stringMap(selector.matchLabels);
    else if (selector.matchLabels !== undefined && selector.matchLabels !== null) out.unreadable = true;
    if (Array.isArray(selector.matchExpressions)) {
      out.matchExpressions = [];
      for (const e of selector.matchExpressions) {
        if (!isObject(e) || typeof e.key !== "string" || typeof e.operator !== "string") {
          out.unreadable = true;
          continue;
        }
        const values = Array.isArray(e.values) ? e.values.map((v) => String(v)) : [];
        out.matchExpressions.push({ key: e.key, operator: e.operator, values });
      }
    } else if (selector.matchExpressions !== undefined && selector.matchExpressions !== null) out.unreadable = true;
  } else if (selector !== undefined && selector !== null) out.unreadable = true;
  return out;
}

function refs(value: unknown): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const r of asArray(value)) {
    if (!isObject(r) || typeof r.name !== "string") continue;
    const ref: ObjectRef = { name: r.name };
    if (typeof r.group === "string") ref.group = r.group;
    if (typeof r.kind === "string") ref.kind = r.kind;
    if (typeof r.namespace === "string") ref.namespace = r.namespace;
    const port = num(r.port);
    if (port !== undefined) ref.port = port;
    if (typeof r.sectionName === "string") ref.sectionName = r.sectionName;
    const weight = num(r.weight);
    if (weight !== undefined) ref.weight = weight;
    out.push(ref);
  }
  return out;
}

/** Destinations of a VirtualService's http/tcp/tls routes (and http mirrors). */
function destinations(spec: PlainObject): { host: string; subset?: string }[] {
  const out: { host: string; subset?: string }[] = [];
  const add = (d: unknown) => {
    if (!isObject(d) || typeof d.host !== "string") return;
    out.push(typeof d.subset === "string" && d.subset ? { host: d.host, subset: d.subset } : { host: d.host });
  };
  for (const section of ["http", "tcp", "tls"]) {
    for (const rule of asArray(spec[section])) {
      if (!isObject(rule)) continue;
      for (const route of asArray(rule.route)) if (isObject(route)) add(route.destination);
      add(rule.mirror);
      for (const m of asArray(rule.mirrors)) if (isObject(m)) add(m.destination);
    }
  }
  return out;
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
