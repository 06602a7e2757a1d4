/**
 * Namespaces over plain values. Pure: no AST, no ESLint, no file system.
 *
 * An `undefined` namespace means "unknown": the manifest does not say and nothing around it does either
 * (no kustomization `namespace:`, no `defaultNamespace` setting). Unknown matches every namespace
 * (`namespacesMatch` in `./hosts.js`): a rule must never assume `default`.
 */

/** Kinds that live outside namespaces (their `metadata.namespace`, if written, is ignored by the API server). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "RuntimeClass",
  "IngressClass",
  "GatewayClass",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "CertificateSigningRequest",
  "VolumeAttachment",
  "CSIDriver",
  "CSINode",
]);

/** True for kinds that are not namespaced (Namespace, GatewayClass, ClusterRole, CRDs, webhooks, …). */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}
