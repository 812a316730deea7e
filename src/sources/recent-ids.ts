/**
 * A set of object ids that forgets the oldest once it holds `capacity` of them twice over: two
 * generations, the older dropped whole when the newer fills. For "already known clean" ids, where
 * forgetting costs one more read of a blob that turns up again much later, never a missed finding,
 * and memory stays bounded however long the history.
 */
export class RecentIds {
  private readonly capacity: number;
  private newer = new Set<string>();
  private older = new Set<string>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  has(id: string): boolean {
    return this.newer.has(id) || this.older.has(id);
  }

  add(id: string): void {
    if (this.newer.size >= this.capacity) {
      this.older = this.newer;
      this.newer = new Set();
    }
    this.newer.add(id);
  }
}
