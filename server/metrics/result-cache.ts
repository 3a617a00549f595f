/**
 * Answers already computed, kept until a batch touches one of their services (or another
 * process writes to the database): the same signal that sends `metrics:changed`. Least
 * recently used answers go first when the cache is full.
 */
import type { FactIndex } from './fact-index';

interface Entry {
  stamp: number;
  ids: readonly number[];
  value: unknown;
}

export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly index: FactIndex,
    private readonly capacity: number,
  ) {}

  async get<T>(key: string, ids: readonly number[], compute: () => Promise<T>): Promise<T> {
    await this.index.checkOtherWriters();
    const e = this.entries.get(key);
    if (e && this.index.unchangedSince(e.stamp, e.ids)) {
      this.entries.delete(key);
      this.entries.set(key, e); // most recently used last
      this.hits++;
      return e.value as T;
    }
    this.misses++;
    const stamp = this.index.stamp();
    const value = await compute();
    this.entries.delete(key);
    this.entries.set(key, { stamp, ids, value });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
