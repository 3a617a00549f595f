/**
 * Where each idempotency key lives, held in memory so that storing a key touches only its
 * service's part of the database.
 *
 * An event is identified by `(type, source, id)` across every service (DESIGN), but a commit's id
 * is its sha, which is random: a table keyed by it takes each new commit on a random page, and
 * every batch then writes about one page per commit (at government size that was more than half
 * of ingest time). So `event_keys` is keyed by service first, and this index answers the one
 * question a service-local table cannot: which services hold a key with this fingerprint? It is a
 * filter, never the truth: a candidate is always confirmed by reading the service's row, so an
 * entry left over from a rolled-back batch only costs a lookup. What it must never do is miss a
 * stored key, so it is rebuilt from the table and caught up, inside each write transaction, on
 * every key stored since (`added`, a number that grows with each batch, whoever wrote it).
 *
 * Memory: 8 bytes a slot, up to 4/3 of a slot per key, in a power of two (128 MiB for the
 * 9.8 million keys of the government-size benchmark).
 */
import type { Db } from './connection';
import { countEventKeys, readEventKeys } from './queries/event-keys';
import { readSnapshot, writeSnapshotSync } from '../common/snapshot-file';
import { fileStamp, stampProblem, type FileStamp } from './file-stamp';

/**
 * A 32-bit fingerprint of `(type, source, id)`: FNV-1a over the UTF-16 code units with NULs
 * between the parts, then murmur3's finaliser. Stored in `event_keys.fp`, so it must never change.
 */
export function keyFingerprint(type: string, source: string, eventId: string): number {
  let h = 0x811c9dc5;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  };
  mix(type);
  h = Math.imul(h, 0x01000193);
  mix(source);
  h = Math.imul(h, 0x01000193);
  mix(eventId);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const MIN_CAPACITY = 1 << 12;
const MAX_LOAD = 0.75;

/** An open-addressing set of (fingerprint, service id) pairs; service id 0 marks an empty slot. */
export class KeyIndex {
  private fps: Uint32Array;
  private services: Uint32Array;
  private mask: number;
  size = 0;

  constructor(expected = 0) {
    let capacity = MIN_CAPACITY;
    while (capacity * MAX_LOAD < expected) capacity *= 2;
    this.fps = new Uint32Array(capacity);
    this.services = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Its slots, to keep in a file ({@link KeyIndex.fromSlots} makes it again). */
  slots(): { fps: Uint32Array; services: Uint32Array; size: number } {
    return { fps: this.fps, services: this.services, size: this.size };
  }

  /** An index with these slots (from {@link KeyIndex.slots}); null when they cannot be one. */
  static fromSlots(fps: Uint32Array, services: Uint32Array, size: number): KeyIndex | null {
    const n = fps.length;
    if (n !== services.length || n < MIN_CAPACITY || (n & (n - 1)) !== 0 || size > n * MAX_LOAD) return null;
    const index = new KeyIndex();
    index.fps = fps;
    index.services = services;
    index.mask = n - 1;
    index.size = size;
    return index;
  }

  /** Records that `serviceId` holds a key with fingerprint `fp` (once, however often it is told). */
  add(fp: number, serviceId: number): void {
    let i = fp & this.mask;
    for (;;) {
      const s = this.services[i];
      if (s === 0) break;
      if (s === serviceId && this.fps[i] === fp) return;
      i = (i + 1) & this.mask;
    }
    this.fps[i] = fp;
    this.services[i] = serviceId;
    if (++this.size > this.capacity * MAX_LOAD) this.grow();
  }

  /** The services that may hold a key with fingerprint `fp`, into `out` (emptied first). */
  holders(fp: number, out: number[]): number[] {
    out.length = 0;
    for (let i = fp & this.mask; ; i = (i + 1) & this.mask) {
      const s = this.services[i];
      if (s === 0) return out;
      if (this.fps[i] === fp) out.push(s);
    }
  }

  private grow(): void {
    const { fps, services } = this;
    this.fps = new Uint32Array(fps.length * 2);
    this.services = new Uint32Array(fps.length * 2);
    this.mask = this.fps.length - 1;
    for (let j = 0; j < fps.length; j++) {
      const s = services[j];
      if (s === 0) continue;
      let i = fps[j] & this.mask;
      while (this.services[i] !== 0) i = (i + 1) & this.mask;
      this.fps[i] = fps[j];
      this.services[i] = s;
    }
  }
}

/**
 * A connection's index and how far it has read `event_keys`, in (added, fp, service_id) order.
 * A key stored later always sorts after every row there is (its `added` is one more than their
 * highest, under the write lock), so reading on from `at` finds every key stored since, whether
 * the index is being built or kept up to date: both are the same read.
 */
export interface KeyReader {
  index: KeyIndex;
  at: Position;
  /** Where `at` was when everything read so far was known to be committed. */
  committed: Position;
  /** Scratch for {@link KeyIndex.holders}. */
  holders: number[];
}
type Position = [number, number, number] | null;

/**
 * A batch's view of the keys: its connection's index, the `added` number its keys take, and a
 * list to read an index's candidates into (one per connection, reused).
 */
export interface KeyBatch {
  index: KeyIndex;
  added: number;
  holders: number[];
}

const SLICE = 50_000;

function readerOf(db: Db): KeyReader {
  return (db.keys ??= { index: new KeyIndex(countEventKeys(db)), at: null, committed: null, holders: [] });
}

/** Reads up to `limit` more keys into the index; false once it has read them all. */
function readOn(db: Db, r: KeyReader, limit: number): boolean {
  const rows = readEventKeys(db, r.at, limit);
  for (const row of rows) r.index.add(row[1], row[2]);
  if (rows.length > 0) r.at = rows[rows.length - 1];
  if (!db.inTransaction) r.committed = r.at;
  return rows.length === limit;
}

/**
 * The connection's index, holding every key stored so far, and the `added` number the current
 * batch's keys take. Call inside the write transaction, before any key is looked up: then no
 * other writer can store a key between this and the batch's commit.
 */
export function syncKeyIndex(db: Db): KeyBatch {
  const r = readerOf(db);
  while (readOn(db, r, SLICE));
  return { index: r.index, added: (r.at?.[0] ?? 0) + 1, holders: r.holders };
}

/**
 * Tells the index that the transaction around the last batches committed: what it read is there
 * for good. Called by `ingestTransaction` (db/ingest.ts), the one transaction batches are stored in.
 */
export function keysCommitted(db: Db): void {
  const r = db.keys;
  if (r) r.committed = r.at;
}

/**
 * Tells the index that the transaction around the last batches rolled back. It may have read
 * keys of one of them (stored by an earlier batch of the same transaction), with an `added`
 * number that another writer can now take: it reads on from before them again. (The keys it
 * added stay, and only cost a lookup.)
 */
export function keysRolledBack(db: Db): void {
  const r = db.keys;
  if (r) r.at = r.committed;
}

/** The format of {@link keepKeyIndex}'s file; a file of another is not used. */
const KEYS_FORMAT = 1;

/**
 * Keeps the connection's index in `file` (beside the database), stamped with the file's state, so
 * the next start loads it and reads only the keys stored after it. Outside a transaction only,
 * where everything it read is committed. False when there is no index to keep.
 */
export function keepKeyIndex(db: Db, file: string): boolean {
  const r = db.keys;
  if (!r || db.inTransaction || r.committed === null) return false;
  const { fps, services, size } = r.index.slots();
  writeSnapshotSync(file, { format: KEYS_FORMAT, stamp: fileStamp(db), at: r.committed, size }, [fps, services]);
  return true;
}

/**
 * The index kept in `file`, made the connection's when it fits this file (read on from where it
 * was kept, as always); otherwise why not (the index is then built from the table).
 */
async function loadKeyIndex(db: Db, file: string): Promise<string | null> {
  const read = await readSnapshot(file);
  if ('problem' in read) return read.problem;
  const h = read.header as { format?: number; stamp?: FileStamp; at?: Position; size?: number };
  if (h.format !== KEYS_FORMAT || !h.stamp || !Array.isArray(h.at) || typeof h.size !== 'number' || read.columns.length !== 2)
    return 'it is of another format';
  // A batch stored meanwhile built the index from the table: that one is complete.
  if (db.keys) return 'the index was built meanwhile';
  const problem = stampProblem(db, h.stamp);
  if (problem) return problem;
  // The row it had read to must still be there: the keys before it are then the ones it holds.
  const [added, fp, serviceId] = h.at;
  if (!db.prepare('SELECT 1 FROM event_keys WHERE added = ? AND fp = ? AND service_id = ?').get(added, fp, serviceId))
    return 'the keys it was built from are not in the file';
  const index = KeyIndex.fromSlots(read.columns[0] as Uint32Array, read.columns[1] as Uint32Array, h.size);
  if (!index) return 'its slots are inconsistent';
  db.keys = { index, at: h.at, committed: h.at, holders: [] };
  return null;
}

/**
 * Builds the connection's index in the background, `sliceMs` at a time, so that the first batch
 * after a start does not wait for it (at 10 million keys it reads for a few seconds); from the
 * copy kept in `snapshot` when there is a good one, reading only the keys stored after it.
 * Returns why the copy was not used (null: it was, or none was asked for).
 */
export async function warmKeyIndex(
  db: Db,
  opts: { sliceMs?: number; stopped?: () => boolean; snapshot?: string } = {},
): Promise<string | null> {
  const problem = opts.snapshot ? await loadKeyIndex(db, opts.snapshot) : null;
  const r = readerOf(db);
  while (!opts.stopped?.()) {
    const until = performance.now() + (opts.sliceMs ?? 20);
    let more = true;
    while (more && performance.now() < until) more = readOn(db, r, 5_000);
    if (!more) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return problem;
}
