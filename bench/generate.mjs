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

export function generate(dir, resources) {
  fs.rmSync(dir, { recursive: true, force: true });
  const apps = Math.max(1, Math.round(resources / PER_APP));
  let count = 0;
  for (let i = 0; i < apps; i++) {
    const ns = `team-${Math.floor(i / 10)}`;
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
