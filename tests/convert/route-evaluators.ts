/**
 * Two small, independent route evaluators used as the oracle of the converter's property tests.
 *
 * - `evaluateVirtualService`: Istio VirtualService semantics — `http[]` in order, the first rule with a matching
 *   match wins (ISTIO-API `VirtualService.http`). `uri.prefix` is a string prefix (or, with `segmentPrefix`, the
 *   path-segment reading a user accepts with `acceptPathSegmentPrefix`).
 * - `evaluateHttpRoute`: Gateway API precedence as Istio implements it (`sortHTTPRoutes` in
 *   pilot/pkg/config/kube/gateway/conversion.go): every rule is split into one route per match, the routes are
 *   stable-sorted by URI rank (Exact > PathPrefix > RegularExpression), URI length (PathPrefix with its trailing
 *   slash trimmed), method present, number of header matches, number of query matches; the first matching one
 *   wins. PathPrefix matches whole path segments (Envoy path_separated_prefix).
 *
 * Both return an {@link Outcome}: "no-route", "error-500", or the traffic split as `ns/name:port=weight/sum`
 * entries (sorted, zero weights dropped, fractions reduced), so two evaluations compare with `===`.
 */

export interface EvalRequest {
  /** Service port the request arrives on. */
  port: number;
  path: string;
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  query: Record<string, string>;
}

export interface EvalService {
  name: string;
  ports: Array<{ port: number }>;
}

export interface EvalEnv {
  /** Namespace of the VirtualService / HTTPRoute (short names resolve in it). */
  namespace: string;
  services: EvalService[];
  /** ServiceEntry hosts with their ports: a destination `{host, port}` to Istio, and a `Hostname` backendRef. */
  hosts?: Array<{ host: string; ports: number[] }>;
  /** Read VirtualService `uri.prefix` as a path-segment prefix (trailing slash ignored). */
  segmentPrefix?: boolean;
}

export type Outcome = string;

type Obj = Record<string, any>;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function split(entries: Array<{ dest: string; weight: number }>): Outcome {
  const total = entries.reduce((s, e) => s + e.weight, 0);
  if (total === 0) return "error-500";
  const byDest = new Map<string, number>();
  for (const e of entries) if (e.weight > 0) byDest.set(e.dest, (byDest.get(e.dest) ?? 0) + e.weight);
  return [...byDest.entries()]
    .map(([d, w]) => {
      const g = gcd(w, total);
      return `${d}=${w / g}/${total / g}`;
    })
    .sort()
    .join(",");
}

function fullMatch(regex: string, value: string): boolean {
  return new RegExp(`^(?:${regex})$`).test(value);
}

function segmentPrefix(prefix: string, path: string): boolean {
  const p = prefix === "/" || prefix === "" ? "/" : prefix.replace(/\/+$/, "") || "/";
  return p === "/" || path === p || path.startsWith(`${p}/`);
}

// ---------------------------------------------------------------------------------------------------------------
// VirtualService: first match wins

function stringMatches(sm: Obj, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (sm.exact !== undefined) return value === sm.exact;
  if (sm.prefix !== undefined) return value.startsWith(sm.prefix);
  if (sm.regex !== undefined) return sm.regex === "*" ? true : fullMatch(sm.regex, value);
  return true; // {}: presence
}

function vsMatch(m: Obj, req: EvalRequest, env: EvalEnv): boolean {
  if (Array.isArray(m.gateways) && m.gateways.length > 0 && !m.gateways.includes("mesh")) return false;
  if (m.port !== undefined && m.port !== req.port) return false;
  if (m.uri) {
    const u = m.uri;
    if (u.exact !== undefined && req.path !== u.exact) return false;
    if (u.prefix !== undefined && !(env.segmentPrefix ? segmentPrefix(u.prefix, req.path) : req.path.startsWith(u.prefix))) return false;
    if (u.regex !== undefined && !fullMatch(u.regex, req.path)) return false;
  }
  if (m.method && !stringMatches(m.method, req.method)) return false;
  for (const [k, sm] of Object.entries((m.headers ?? {}) as Obj)) if (!stringMatches(sm, req.headers[k.toLowerCase()])) return false;
  for (const [k, sm] of Object.entries((m.queryParams ?? {}) as Obj)) if (!stringMatches(sm, req.query[k])) return false;
  return true;
}

function vsDestination(d: Obj, req: EvalRequest, env: EvalEnv): string {
  const host = String(d.host);
  const entry = env.hosts?.find((h) => h.host === host);
  // A ServiceEntry host: the destination port, else its only port, else the port the request came on.
  if (entry) return `host:${host}:${d.port?.number ?? (entry.ports.length === 1 ? entry.ports[0] : req.port)}`;
  const [name, ns] = host.includes(".") ? host.split(".") : [host, env.namespace];
  const svc = env.services.find((s) => s.name === name);
  const port = d.port?.number ?? (svc && svc.ports.length === 1 ? svc.ports[0].port : req.port);
  const target = d.subset ? `${name}-${d.subset}` : name;
  return `${ns}/${target}:${port}`;
}

export function evaluateVirtualService(vs: Obj, req: EvalRequest, env: EvalEnv): Outcome {
  for (const rule of (vs.spec?.http ?? []) as Obj[]) {
    const matches: Obj[] = Array.isArray(rule.match) && rule.match.length > 0 ? rule.match : [{}];
    if (!matches.some((m) => vsMatch(m, req, env))) continue;
    if (rule.redirect) return `redirect:${JSON.stringify(rule.redirect)}`;
    const routes = (rule.route ?? []) as Obj[];
    if (routes.length === 1) return split([{ dest: vsDestination(routes[0].destination, req, env), weight: 1 }]);
    return split(routes.map((r) => ({ dest: vsDestination(r.destination, req, env), weight: r.weight ?? 0 })));
  }
  return "no-route";
}

// ---------------------------------------------------------------------------------------------------------------
// HTTPRoute: Gateway API precedence, Istio's ordering

interface Flat {
  match: Obj;
  rule: Obj;
}

function pathOf(m: Obj): { type: string; value: string } {
  return { type: m.path?.type ?? "PathPrefix", value: m.path?.value ?? "/" };
}

function uriKey(m: Obj): [number, number] {
  const p = pathOf(m);
  if (p.type === "Exact") return [3, p.value.length];
  if (p.type === "PathPrefix") return [2, (p.value === "/" ? "/" : p.value.replace(/\/$/, "")).length];
  return [1, p.value.length];
}

function gwValue(type: string | undefined, value: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  return (type ?? "Exact") === "Exact" ? actual === value : fullMatch(value, actual);
}

function gwMatch(m: Obj, req: EvalRequest): boolean {
  const p = pathOf(m);
  if (p.type === "Exact" && req.path !== p.value) return false;
  if (p.type === "PathPrefix" && !segmentPrefix(p.value, req.path)) return false;
  if (p.type === "RegularExpression" && !fullMatch(p.value, req.path)) return false;
  if (m.method && m.method !== req.method) return false;
  for (const h of (m.headers ?? []) as Obj[]) if (!gwValue(h.type, h.value, req.headers[String(h.name).toLowerCase()])) return false;
  for (const q of (m.queryParams ?? []) as Obj[]) if (!gwValue(q.type, q.value, req.query[q.name])) return false;
  return true;
}

export function evaluateHttpRoute(route: Obj, req: EvalRequest, env: EvalEnv): Outcome {
  const parents = (route.spec?.parentRefs ?? []) as Obj[];
  if (parents.length && parents.every((p) => p.port !== undefined && p.port !== req.port)) return "no-route";
  const flat: Flat[] = [];
  for (const rule of (route.spec?.rules ?? []) as Obj[]) {
    const matches: Obj[] = Array.isArray(rule.matches) && rule.matches.length > 0 ? rule.matches : [{ path: { type: "PathPrefix", value: "/" } }];
    for (const match of matches) flat.push({ match, rule });
  }
  const key = (f: Flat) => {
    const [rank, len] = uriKey(f.match);
    return [rank, len, f.match.method ? 1 : 0, (f.match.headers ?? []).length, (f.match.queryParams ?? []).length];
  };
  const sorted = flat
    .map((f, i) => ({ f, i, k: key(f) }))
    .sort((a, b) => {
      for (let j = 0; j < a.k.length; j++) if (a.k[j] !== b.k[j]) return b.k[j] - a.k[j];
      return a.i - b.i;
    });
  const hit = sorted.find((s) => gwMatch(s.f.match, req));
  if (!hit) return "no-route";
  const rule = hit.f.rule;
  const redirect = ((rule.filters ?? []) as Obj[]).find((f) => f.type === "RequestRedirect");
  if (redirect) return `redirect:${JSON.stringify(redirect.requestRedirect)}`;
  const refs = (rule.backendRefs ?? []) as Obj[];
  // A Hostname backendRef (group networking.istio.io) is the destination {host: name, port} (Istio's conversion.go).
  const dest = (b: Obj) => (b.kind === "Hostname" && b.group === "networking.istio.io" ? `host:${b.name}:${b.port}` : `${b.namespace ?? env.namespace}/${b.name}:${b.port}`);
  return split(refs.map((b) => ({ dest: dest(b), weight: b.weight ?? 1 })));
}
