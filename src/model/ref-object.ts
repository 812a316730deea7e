/**
 * Content a ref brings in outside any commit's changes: an annotated tag (its whole text, message
 * included), or a blob a ref names directly or through a tree (`git tag t <blob>`,
 * `git push origin <tree>:refs/x`). A push carries them, and so does a clone or a fetch of the ref.
 */
export interface RefObject {
  /** The object's id; git reads it whatever its type. */
  readonly id: string;
  /** The path findings report it under: `<tag refs/tags/v1 1a2b3c4d5e6f>`, `refs/tags/x:dir/file`. */
  readonly path: string;
}
