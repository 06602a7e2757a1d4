/** The operations a fix asks of a file, and the text edits they become (YAML: edit.ts, JSON: json-edit.ts). */
import type { Path } from "./path.js";

export interface TextEdit {
  range: [number, number];
  text: string;
}

export type EditOp =
  /** Replace the pair at `path` (key and value) by `key: value`, in place. */
  | { op: "replacePair"; path: Path; key: string; value: unknown }
  /** Set the value at `path`: replaces an existing value, or adds the key to its parent mapping. */
  | { op: "set"; path: Path; value: unknown }
  /** Remove the pair or sequence entry at `path`. */
  | { op: "remove"; path: Path }
  /** Remove the whole resource (its document, or its List item). */
  | { op: "removeResource" }
  /** Add new resources after this one (new documents, or new List items). */
  | { op: "addResourceAfter"; value: Record<string, unknown> | Record<string, unknown>[] }
  /** Replace this resource by one or more resources (documents, or List items), keeping comments above it. */
  | { op: "replaceResource"; value: Record<string, unknown>[] };
