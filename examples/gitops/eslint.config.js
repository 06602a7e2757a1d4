import istioAmbient from "eslint-plugin-istio-ambient";

export default [istioAmbient.configs.recommended];
