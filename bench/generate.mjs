// Generates a synthetic sidecar-mode GitOps repository with about `resources` Kubernetes resources:
// per app a Service + Deployment file, a routing file (VirtualService + DestinationRule with subsets) and a
// policy file (L7 AuthorizationPolicy by selector, RequestAuthentication, PeerAuthentication).
import fs from "node:fs";
import path from "node:path";

const PER_APP = 7;

function app(ns, name) {
  const service = `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: ${name}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}-v1
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
      version: v1
  template:
    metadata:
      labels:
        app: ${name}
        version: v1
    spec:
      containers:
      - name: app
        image: example/${name}:1.0
`;
  const routing = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hosts:
  - ${name}
  http:
  - match:
    - headers:
        end-user:
          exact: jason
    route:
    - destination:
        host: ${name}
        subset: v2
  - route:
    - destination:
        host: ${name}
        subset: v1
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  host: ${name}
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
`;
  const policies = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}-get
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  rules:
  - to:
    - operation:
        methods: ["GET"]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: ${name}-jwt
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  jwtRules:
  - issuer: https://auth.example.com
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  mtls:
    mode: STRICT
`;
  return { service, routing, policies };
}

/** `vsperhost`: `n` mesh VirtualServices for one host (each for its own path prefix) in one file. */
function virtualServicesPerHost(ns, name, n) {
  const out = [];
  for (let k = 0; k < n; k++) {
    out.push(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}-${k}
  namespace: ${ns}
spec:
  hosts:
  - ${name}
  http:
  - match:
    - uri:
        prefix: /p${k}
    route:
    - destination:
        host: ${name}
        subset: v${(k % 2) + 1}
    timeout: 5s
`);
  }
  return out.join("---\n");
}

/** `policies`: `n` AuthorizationPolicies on one workload (L7 ALLOWs, L4 ALLOWs by principal, DENYs) in one file. */
function policiesPerWorkload(ns, name, n) {
  const out = [];
  for (let k = 0; k < n; k++) {
    const rule =
      k % 3 === 0
        ? `  rules:\n  - to:\n    - operation:\n        methods: ["GET"]\n        paths: ["/api/${k}/*"]\n`
        : k % 3 === 1
          ? `  rules:\n  - from:\n    - source:\n        principals: ["cluster.local/ns/${ns}/sa/client-${k}"]\n`
          : `  action: DENY\n  rules:\n  - from:\n    - source:\n        notNamespaces: ["${ns}", "istio-system"]\n`;
    out.push(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}-${k}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
${rule}`);
  }
  return out.join("---\n");
}

/** The documents of a YAML text as the items of one `kind: List` (each document indented under `- `). */
function asListItems(text) {
  return text
    .split(/^---\n/m)
    .map((doc) => doc.trimEnd().split("\n").map((line, i) => (i === 0 ? `- ${line}` : `  ${line}`)).join("\n"))
    .join("\n");
}

/** Per-app resources of the `vsperhost` and `policies` shapes: Service + Deployment, and 10 of the repeated kind. */
const REPEATED = 10;

/**
 * Benchmark shapes (`BENCH_SHAPE`): `apps` (default: one folder and three files per app, ten apps per namespace),
 * `namespace` (the same files, every app in one namespace), `file` (every resource in one multi-document file),
 * `list` (every resource an item of one `kind: List`), `vsperhost` (per app 10 mesh VirtualServices for its host
 * and a DestinationRule), `policies` (per app 10 AuthorizationPolicies selecting its workload).
 */
export function generate(dir, resources, shape = "apps") {
  if (shape === "file" || shape === "list") return generateOneFile(dir, resources, shape);
  if (shape === "vsperhost" || shape === "policies") return generateRepeated(dir, resources, shape);
  fs.rmSync(dir, { recursive: true, force: true });
  const apps = Math.max(1, Math.round(resources / PER_APP));
  let count = 0;
  for (let i = 0; i < apps; i++) {
    const ns = shape === "namespace" ? "team" : `team-${Math.floor(i / 10)}`;
    const name = `svc-${i}`;
    const d = path.join(dir, "apps", ns, name);
    fs.mkdirSync(d, { recursive: true });
    const a = app(ns, name);
    fs.writeFileSync(path.join(d, "service.yaml"), a.service);
    fs.writeFileSync(path.join(d, "routing.yaml"), a.routing);
    fs.writeFileSync(path.join(d, "policies.yaml"), a.policies);
    count += PER_APP;
  }
  fs.mkdirSync(path.join(dir, ".git"), { recursive: true });
  return { apps, resources: count, files: apps * 3 };
}

function generateRepeated(dir, resources, shape) {
  fs.rmSync(dir, { recursive: true, force: true });
  const perApp = 2 + REPEATED + (shape === "vsperhost" ? 1 : 0);
  const apps = Math.max(1, Math.round(resources / perApp));
  for (let i = 0; i < apps; i++) {
    const ns = `team-${Math.floor(i / 10)}`;
    const name = `svc-${i}`;
    const d = path.join(dir, "apps", ns, name);
    fs.mkdirSync(d, { recursive: true });
    const a = app(ns, name);
    fs.writeFileSync(path.join(d, "service.yaml"), a.service);
    if (shape === "vsperhost") {
      const dr = a.routing.split(/^---\n/m)[1];
      fs.writeFileSync(path.join(d, "routing.yaml"), `${virtualServicesPerHost(ns, name, REPEATED)}---\n${dr}`);
    } else {
      fs.writeFileSync(path.join(d, "policies.yaml"), policiesPerWorkload(ns, name, REPEATED));
    }
  }
  fs.mkdirSync(path.join(dir, ".git"), { recursive: true });
  return { apps, resources: apps * perApp, files: apps * 2 };
}

function generateOneFile(dir, resources, shape) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const apps = Math.max(1, Math.round(resources / PER_APP));
  const parts = [];
  for (let i = 0; i < apps; i++) {
    const a = app(`team-${Math.floor(i / 10)}`, `svc-${i}`);
    parts.push(a.service.trimEnd(), a.routing.trimEnd(), a.policies.trimEnd());
  }
  const text =
    shape === "list"
      ? `apiVersion: v1\nkind: List\nitems:\n${parts.map((p) => asListItems(p + "\n")).join("\n")}\n`
      : `${parts.join("\n---\n")}\n`;
  fs.writeFileSync(path.join(dir, "all.yaml"), text);
  fs.mkdirSync(path.join(dir, ".git"), { recursive: true });
  return { apps, resources: apps * PER_APP, files: 1 };
}
