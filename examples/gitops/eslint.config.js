import istioAmbient from "eslint-plugin-istio-ambient";

export default [
  istioAmbient.configs.recommended,
  // This example lives inside the plugin's own Git repository: make it its own repository root
  // (a real GitOps repository needs no settings: the root is the directory holding .git).
  { settings: { "istio-ambient": { root: import.meta.dirname } } },
];
