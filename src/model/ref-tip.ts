/** A ref (or a revision a user typed) and the object it holds, before any tag is peeled. */
export interface RefTip {
  /** How reports and messages name it: `refs/tags/v1`, or the object's id when no ref names it. */
  readonly ref: string;
  readonly id: string;
}
