/**
 * Which data plane a namespace or pod gets, and which pod annotations only configure a sidecar. Pure: plain
 * label/annotation maps in, verdicts out (no AST, no ESLint, no index).
 *
 * Istio's rules (sources in docs/rules/namespace-dataplane-mode.md and no-sidecar-annotations.md):
 * - a pod is captured by ztunnel when its namespace or the pod carries `istio.io/dataplane-mode: ambient`, the pod
 *   is not injected (no `sidecar.istio.io/status`), the pod is not `istio.io/dataplane-mode: none` and not on the
 *   host network (istio/istio cni/pkg/util/podutil.go `PodRedirectionEnabled`);
 * - the injection webhook injects for `istio-injection: enabled` or a revision label `istio.io/rev` on the
 *   namespace, or `sidecar.istio.io/inject: "true"` on the pod; an injected pod is never captured: the sidecar
 *   wins (istio.io docs ambient/usage/add-workloads; analyzer IST0123 NamespaceMultipleInjectionLabels);
 * - `sidecar.istio.io/inject: "false"` stops injection only: it does not keep a pod out of ambient.
 */
import { isObject, type PlainObject } from "../k8s/resource.js";
import type { Path } from "../yaml/ast.js";

export const DATAPLANE_MODE = "istio.io/dataplane-mode";
export const INJECTION_LABEL = "istio-injection";
export const REVISION_LABEL = "istio.io/rev";
export const INJECT_KEY = "sidecar.istio.io/inject";

export type Labels = Record<string, string>;

/** A namespace label that makes the injection webhook inject sidecars. */
export interface InjectionLabel {
  key: typeof INJECTION_LABEL | typeof REVISION_LABEL;
  value: string;
}

/** The labels of a namespace that enable sidecar injection (`istio-injection: enabled`, a non-empty `istio.io/rev`). */
export function injectionLabels(labels: Labels): InjectionLabel[] {
  const out: InjectionLabel[] = [];
  const injection = labels[INJECTION_LABEL];
  if (typeof injection === "string" && injection.trim() === "enabled") out.push({ key: INJECTION_LABEL, value: injection });
  const rev = labels[REVISION_LABEL];
  if (typeof rev === "string" && rev.trim() !== "") out.push({ key: REVISION_LABEL, value: rev });
  return out;
}

/** True when the labels ask for ambient mode (`istio.io/dataplane-mode: ambient`). */
export function labelsAmbient(labels: Labels | undefined): boolean {
  return labels?.[DATAPLANE_MODE]?.trim() === "ambient";
}

/** True when the labels opt a pod out of ambient (`istio.io/dataplane-mode: none`). */
export function labelsOptOut(labels: Labels | undefined): boolean {
  return labels?.[DATAPLANE_MODE]?.trim() === "none";
}

/**
 * True when a pod is meant to run in ambient mode: it or its namespace is labelled ambient and the pod did not opt
 * out. (Whether a sidecar still wins is a separate finding: the namespace's injection labels, or the pod's
 * `sidecar.istio.io/inject: "true"`.)
 */
export function podMeantAmbient(namespaceLabels: Labels | undefined, podLabels: Labels): boolean {
  if (labelsOptOut(podLabels)) return false;
  return labelsAmbient(podLabels) || labelsAmbient(namespaceLabels);
}

/** Kinds whose pod template sits at `spec.template`. */
const TEMPLATE_KINDS: Readonly<Record<string, string>> = {
  Deployment: "apps",
  StatefulSet: "apps",
  DaemonSet: "apps",
  ReplicaSet: "apps",
  Job: "batch",
  Rollout: "argoproj.io",
};

/** Where the pod metadata of a workload is: `["metadata"]` for a Pod, the template's `metadata` otherwise; null for other kinds. */
export function podMetadataPath(kind: string, group: string): Path | null {
  if (kind === "Pod" && group === "") return ["metadata"];
  if (kind === "CronJob" && group === "batch") return ["spec", "jobTemplate", "spec", "template", "metadata"];
  if (TEMPLATE_KINDS[kind] === group) return ["spec", "template", "metadata"];
  return null;
}

/** The pod spec path beside a pod metadata path. */
export function podSpecPath(metadataPath: Path): Path {
  return [...metadataPath.slice(0, -1), "spec"];
}

/** The value at a path of a plain object, or undefined. */
export function valueAt(value: unknown, path: Path): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (typeof key === "number") cur = Array.isArray(cur) ? cur[key] : undefined;
    else cur = isObject(cur) ? cur[key] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** What a pod annotation (or label) means for an ambient pod. */
export type SidecarAnnotationKind =
  /** Configures only the sidecar, its injector or its iptables init: dead on an ambient pod. */
  | "sidecarOnly"
  /** `traffic.sidecar.istio.io/exclude{Inbound,Outbound}Ports`: ztunnel captures those ports now. */
  | "excludePorts"
  /** `sidecar.istio.io/inject: "true"`: injects a sidecar, which wins over ambient. */
  | "injectTrue";

const EXCLUDE_PORTS = new Set(["traffic.sidecar.istio.io/excludeInboundPorts", "traffic.sidecar.istio.io/excludeOutboundPorts"]);

/**
 * Classifies a pod-template annotation key/value: null when it is not a sidecar-only annotation (or is
 * `sidecar.istio.io/inject: "false"`, which is kept: it still stops injection).
 */
export function sidecarAnnotationKind(key: string, value: unknown): SidecarAnnotationKind | null {
  if (key === INJECT_KEY) return String(value).trim().toLowerCase() === "true" ? "injectTrue" : null;
  if (EXCLUDE_PORTS.has(key)) return "excludePorts";
  // Written by the injector on injected pods; on a template it marks the pods injected, which keeps them out of ztunnel.
  if (key === "sidecar.istio.io/status") return null;
  if (key.startsWith("sidecar.istio.io/")) return "sidecarOnly";
  if (key.startsWith("traffic.sidecar.istio.io/")) return "sidecarOnly";
  if (key === "proxy.istio.io/config" || key === "proxy.istio.io/overrides") return "sidecarOnly";
  if (key === "status.sidecar.istio.io/port") return "sidecarOnly";
  if (key.startsWith("readiness.status.sidecar.istio.io/")) return "sidecarOnly";
  return null;
}

/** True when a pod opted out of sidecar injection (`sidecar.istio.io/inject: "false"`, as a label or an annotation). */
export function optedOutOfSidecar(podLabels: Labels, podAnnotations: PlainObject): boolean {
  const isFalse = (v: unknown) => v !== undefined && String(v).trim().toLowerCase() === "false";
  return isFalse(podLabels[INJECT_KEY]) || isFalse(podAnnotations[INJECT_KEY]);
}

/**
 * Pod labels of an Envoy gateway (ingress/egress gateway deployments injected with the `gateway` template): their
 * namespace keeps injection in ambient mode. Gateway API / Istio gateway labels, `istio: *gateway*`, or an `app`
 * label ending in `gateway` (`istio-ingressgateway`, `asm-ingressgateway`).
 */
export function looksLikeGatewayPod(podLabels: Labels): boolean {
  for (const [k, v] of Object.entries(podLabels)) {
    if (k === "gateway.networking.k8s.io/gateway-name" || k === "istio.io/gateway-name") return true;
    if (k === "istio" && /gateway/i.test(v)) return true;
    if (k === "app" && /gateway$/i.test(v)) return true;
  }
  return false;
}
