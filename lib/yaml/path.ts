/** A path into a YAML value: mapping keys and sequence indexes (shared by the AST helpers and the value reader). */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];
