/**
 * Istio mesh VirtualService → Gateway API HTTPRoute: the public entry point. The converter lives in
 * `./virtualservice-to-httproute/` (split by concern; see its `index.ts`).
 */
export * from "./virtualservice-to-httproute/index.js";
