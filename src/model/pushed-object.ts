/**
 * Content a push brings in outside any commit's changes: an annotated tag (its whole text, message
 * included), or a blob a ref points at directly or through a tree (`git push origin <tree>:refs/x`).
 */
export interface PushedObject {
  /** The object's id; git reads it whatever its type. */
  readonly id: string;
  /** The path findings report it under: `<tag refs/tags/v1>`, `refs/tags/x:dir/file`. */
  readonly path: string;
}
