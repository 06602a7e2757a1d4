/**
 * Record shapes of the repository resource index. Records are compact plain objects extracted per kind:
 * never ASTs, never file text. They are shared between lint runs, so treat them as read-only.
 */
import type { Labels } from "../k8s/selector.js";

/**
 * Where a record's namespace came from:
 * - `metadata`: `metadata.namespace` in the manifest;
 * - `kustomization`: set by the deployment unit (Kustomize `namespace`, Flux `targetNamespace`, Argo CD
 *   `destination.namespace`): it overrides `metadata.namespace` as those tools do;
 * - `default`: the `defaultNamespace` setting;
 * - `unknown`: none of these; `namespace` is undefined and matches every namespace;
 * - `cluster`: a cluster-scoped kind (Namespace, GatewayClass, ClusterRole, …); `namespace` is undefined.
 */
export type NamespaceSource = "metadata" | "kustomization" | "default" | "unknown" | "cluster";

export interface ResourceRecord {
  /** Absolute path of the file ("" for `assumeExists` pseudo-records). */
  file: string;
  /** 1-based line where the resource starts (its first key; 0 for pseudo-records). */
  line: number;
  /** 0-based index of the YAML document in the file (-1 for pseudo-records). */
  documentIndex: number;
  /** Index in the `items` of a `kind: List` document; undefined for a top-level resource. */
  listIndex?: number;
  apiVersion: string;
  /** API group ("" for core `v1`). */
  group: string;
  kind: string;
  /** `metadata.name` ("" when the manifest has none, e.g. `generateName`). */
  name: string;
  /** Resolved namespace; undefined = unknown (matches any namespace) or cluster-scoped. */
  namespace: string | undefined;
  namespaceSource: NamespaceSource;
  /** `metadata.labels` (values stringified). */
  labels: Labels;
  /** `metadata.annotations` whose key contains `istio.io` (`gateway.istio.io/…`, `sidecar.istio.io/…`, …). */
  annotations: Labels;
  /** True for Kustomize patch files (`patches`, `patchesStrategicMerge`, `patchesJson6902`): fields may be missing. */
  partial: boolean;
  /**
   * The deployment unit that applies this instance (`Unit.id`, see `RepoIndex.units`). A manifest applied by
   * several units has one record per unit; patch records (`partial`) have none.
   */
  unit?: string;
  /** A record the model made (the Namespace an Argo CD Application creates); `file`/`line` are its declarer's. */
  synthetic?: boolean;
  /** Argo CD Application / ApplicationSet, Flux Kustomization: what it deploys. */
  deploys?: AppSpec[];
  /** True for pseudo-records made from `settings.assumeExists`. */
  assumed?: boolean;

  // ---- kind-specific extracts (present on the kinds named in each comment) ----

  /**
   * Service: `spec.selector` (null when absent or empty: headless/ExternalName/manual Endpoints).
   * Istio policies (AuthorizationPolicy, RequestAuthentication, PeerAuthentication, Telemetry, WasmPlugin):
   * `spec.selector.matchLabels` (null when there is no `selector`; `{}` when it is empty).
   * EnvoyFilter: `spec.workloadSelector.labels`.
   * Gateway (networking.istio.io): `spec.selector`, the labels of its gateway pods (null when absent).
   */
  selector?: Labels | null;
  /** Service: `spec.ports`. */
  ports?: ServicePort[];
  /** Service: `spec.type` when written. */
  serviceType?: string;
  /** Gateway (gateway.networking.k8s.io): `spec.gatewayClassName`. */
  gatewayClassName?: string;
  /** Gateway (gateway.networking.k8s.io): `spec.listeners`. */
  listeners?: Listener[];
  /** Gateway (gateway.networking.k8s.io): the waypoint's service account (annotation `gateway.istio.io/service-account`, else the Gateway name). */
  serviceAccount?: string;
  /** Gateway (gateway.networking.k8s.io): label `istio.io/waypoint-for` when written. */
  waypointFor?: string;
  /** VirtualService, ServiceEntry: `spec.hosts`. */
  hosts?: string[];
  /** VirtualService: `spec.gateways` ([] when absent, which means `mesh`). */
  gateways?: string[];
  /** VirtualService: true when it applies to mesh traffic (no `gateways`, or `mesh` among them). */
  mesh?: boolean;
  /** VirtualService: every `destination: {host, subset}` of http/tcp/tls routes and mirrors. */
  subsetsUsed?: SubsetUse[];
  /** VirtualService: every destination host of http/tcp/tls routes and mirrors (deduplicated). */
  destinationHosts?: string[];
  /**
   * VirtualService: `spec` as written (plain data, patched like the other fields), so that a VirtualService can
   * be converted together with the other VirtualServices of its Service and with its delegates in other files.
   */
  spec?: Record<string, unknown>;
  /** DestinationRule: `spec.host`. */
  host?: string;
  /** DestinationRule: `spec.subsets`. */
  subsets?: Subset[];
  /** DestinationRule: it has a top-level `trafficPolicy`. */
  hasTrafficPolicy?: boolean;
  /** HTTPRoute, GRPCRoute, TCPRoute, TLSRoute: `spec.parentRefs`. */
  parentRefs?: ObjectRef[];
  /** HTTPRoute, GRPCRoute, TCPRoute, TLSRoute: every `spec.rules[].backendRefs[]`. */
  backendRefs?: ObjectRef[];
  /** Istio policies: `spec.targetRefs` with the deprecated singular `spec.targetRef` merged in. */
  targetRefs?: ObjectRef[];
  /** AuthorizationPolicy: `spec.action` (Istio's default `ALLOW` when absent). */
  action?: string;
  /** AuthorizationPolicy: `spec.rules` as written (plain data; absent when the field is). */
  rules?: unknown[];
  /** PeerAuthentication: `spec.mtls.mode` when written. */
  mtlsMode?: string;
  /** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Rollout: pod template labels; Pod: its labels. */
  podLabels?: Labels;
  /** Workloads and Pods: `serviceAccountName` of the pod spec when written. */
  serviceAccountName?: string;
}

export type { ServicePort } from "../k8s/service.js";
import type { ServicePort } from "../k8s/service.js";

/** What an Argo CD Application or a Flux Kustomization deploys (paths relative to the repository root). */
export interface AppSpec {
  origin: "argocd" | "flux";
  name: string;
  paths: string[];
  /** Argo CD `destination.namespace` (fills objects without one) / Flux `targetNamespace` (overrides). */
  namespace?: string;
  /** True for Flux `targetNamespace`. */
  override: boolean;
  /** Argo CD `directory.recurse` (Flux always recurses). */
  recurse: boolean;
  /** Argo CD `managedNamespaceMetadata.labels` with `CreateNamespace=true`. */
  namespaceLabels?: Labels;
  /** Flux `commonMetadata`. */
  labels?: Labels;
  annotations?: Labels;
  /** A Helm chart source (outside the repository). */
  helm?: string;
}

export interface Listener {
  name?: string;
  port?: number;
  protocol?: string;
  hostname?: string;
  /** `allowedRoutes.namespaces`, when written (read as plain data; its meaning is lib/istio's). */
  allowedNamespaces?: AllowedNamespaces;
}

/** A listener's `allowedRoutes.namespaces` as written. */
export interface AllowedNamespaces {
  /** `from` (Gateway API default `Same`); undefined when not written. */
  from?: string;
  /** `selector.matchLabels` (values stringified). */
  matchLabels?: Labels;
  /** `selector.matchExpressions`. */
  matchExpressions?: { key: string; operator: string; values: string[] }[];
  /** True when part of it is not plain data (a template, an odd shape): nothing can be decided from it. */
  unreadable?: boolean;
}

export interface SubsetUse {
  host: string;
  subset: string;
}

export interface Subset {
  name: string;
  labels: Labels;
  /** The subset has its own `trafficPolicy` (it would not follow traffic moved to a version Service). */
  hasTrafficPolicy?: boolean;
}

/** A Gateway API / Istio object reference (`parentRefs`, `backendRefs`, `targetRefs`). Fields as written. */
export interface ObjectRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  sectionName?: string;
  weight?: number;
}

/** Records by kind, with the kind-specific fields required. */
export type ServiceRecord = ResourceRecord & { kind: "Service"; selector: Labels | null; ports: ServicePort[] };
export type GatewayRecord = ResourceRecord & {
  kind: "Gateway";
  gatewayClassName: string | undefined;
  listeners: Listener[];
  serviceAccount: string;
};
export type VirtualServiceRecord = ResourceRecord & {
  kind: "VirtualService";
  hosts: string[];
  gateways: string[];
  mesh: boolean;
  subsetsUsed: SubsetUse[];
  destinationHosts: string[];
};
export type DestinationRuleRecord = ResourceRecord & {
  kind: "DestinationRule";
  host: string | undefined;
  subsets: Subset[];
  /** The DestinationRule has a top-level `trafficPolicy`. */
  hasTrafficPolicy?: boolean;
};
export type RouteRecord = ResourceRecord & { parentRefs: ObjectRef[]; backendRefs: ObjectRef[] };
export type PolicyRecord = ResourceRecord & { selector: Labels | null; targetRefs: ObjectRef[] };
export type WorkloadRecord = ResourceRecord & { podLabels: Labels };
export type NamespaceRecord = ResourceRecord & { kind: "Namespace" };

/** A route to a Service: a mesh VirtualService or a Gateway API route with a `kind: Service` parentRef. */
export type ServiceRouteRecord = VirtualServiceRecord | RouteRecord;

/** Which waypoint a Service uses (see `RepoIndex.waypointBinding`). */
export interface WaypointBinding {
  /** Where the `istio.io/use-waypoint` label was found. */
  source: "service" | "namespace";
  /** The record carrying the label (the Service or its Namespace). */
  labelledBy: ResourceRecord;
  /** True for `istio.io/use-waypoint: none` (explicit opt-out). `name` is then undefined. */
  optedOut: boolean;
  /** Gateway name from the label. */
  name: string | undefined;
  /** Namespace of the waypoint: `istio.io/use-waypoint-namespace` on the same object, else that object's namespace. */
  namespace: string | undefined;
  /** The waypoint Gateway among `waypoints()` (repo or assumeExists), when it is known. */
  gateway: GatewayRecord | undefined;
}

export interface IndexStats {
  /** Root directory of the index. */
  root: string;
  /** Files tracked: manifests matched by `include` (minus excludes) plus kustomization files. */
  files: number;
  /** Resource records (excluding `assumeExists` pseudo-records). */
  resources: number;
  /** Full builds for this (root, settings) cache entry: 1 unless the cache was cleared. */
  builds: number;
  /** Times the file list was re-listed and re-stat'ed after the build. */
  revalidations: number;
  /** Files parsed in total (initial build included). */
  parsed: number;
  /** Files re-parsed after the initial build (changed or added on disk). */
  reparsed: number;
  /** Files (absolute) parsed during the most recent revalidation. */
  lastReparsed: string[];
  /** `fs.stat` calls made for files (build + revalidations). */
  statCalls: number;
  /** Times an in-memory text (`currentText`) was parsed as an overlay of its file. */
  overlays: number;
  /** Limits hit while walking (caps on files and bytes, files too large). */
  notes: string[];
  /** Deployment units in this snapshot. */
  units: number;
  /** Snapshots made for this cache entry (the build, every change on disk or in the linted buffer). */
  snapshots: number;
  /** Of those, the ones that took over the previous snapshot's unchanged units (only the edited file's re-rendered). */
  incrementalSnapshots: number;
  /** Units rendered, and units taken over unchanged, by the most recent snapshot. */
  lastRenderedUnits: number;
  lastReusedUnits: number;
  /** Revalidations done in the background (a timer off the lint path, in a long-lived process). */
  backgroundChecks: number;
  /** Duration of the last background revalidation (ms). */
  backgroundMs?: number;
  /**
   * Per-snapshot caches by name: how many times each was built from the whole repository, and how many times it
   * was carried over to the next snapshot with only the changed records applied.
   */
  caches: Record<string, { built: number; carried: number }>;
}
