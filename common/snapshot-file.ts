/**
 * A file of typed arrays with a JSON header, for what the server keeps of its in-memory indexes
 * between runs (server/metrics/fact-snapshot.ts, db/key-index.ts). Written to a temporary file
 * and renamed, so a reader sees a whole file or the previous one; read back as views on one
 * buffer, with a CRC-32 over everything, so a damaged or cut file is refused, never half-used.
 *
 * Layout: `DEMINGS1` | u32 header bytes | u32 columns | header JSON (padded to 8) | each column's
 * bytes (padded to 8) | u32 CRC-32 of all that precedes it. Little-endian, as the machine.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

export type Column = Float64Array | Uint32Array | Int32Array;

const MAGIC = Buffer.from('DEMINGS1', 'latin1');
const KINDS = { f: Float64Array, u: Uint32Array, i: Int32Array } as const;
type Kind = keyof typeof KINDS;

const kindOf = (c: Column): Kind => (c instanceof Float64Array ? 'f' : c instanceof Uint32Array ? 'u' : 'i');
const pad8 = (n: number) => (8 - (n % 8)) % 8;
const ZEROS = Buffer.alloc(8);

/** The file's pieces in order, and the CRC to append. */
function pieces(header: object, columns: readonly Column[]): Buffer[] {
  const head = Buffer.from(JSON.stringify({ header, kinds: columns.map(kindOf).join(''), lengths: columns.map((c) => c.length) }), 'utf8');
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32LE(head.length, 0);
  sizes.writeUInt32LE(columns.length, 4);
  const out: Buffer[] = [MAGIC, sizes, head, ZEROS.subarray(0, pad8(16 + head.length))];
  for (const c of columns) {
    out.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength), ZEROS.subarray(0, pad8(c.byteLength)));
  }
  let crc = 0;
  // (Node's crc32 answers 0 for a buffer over an empty ArrayBuffer, whatever the running value: skip empty pieces.)
  for (const p of out) if (p.length > 0) crc = crc32(p, crc);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(crc >>> 0, 0);
  out.push(tail);
  return out;
}

/** Writes the file at once (what is kept at a close, when the process is about to end). */
export function writeSnapshotSync(file: string, header: object, columns: readonly Column[]): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    for (const p of pieces(header, columns)) writeSync(fd, p);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

/** Writes the file without holding the thread (the columns must not change meanwhile). */
export async function writeSnapshot(file: string, header: object, columns: readonly Column[]): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    const all = pieces(header, columns);
    // A few MiB a write, copied into one buffer: the thread is free in between.
    for (let i = 0; i < all.length;) {
      const batch: Buffer[] = [];
      let bytes = 0;
      while (i < all.length && (bytes < 4 << 20 || batch.length === 0)) {
        bytes += all[i].length;
        batch.push(all[i++]);
      }
      const chunk = Buffer.concat(batch, bytes);
      for (let done = 0; done < chunk.length;) done += (await fh.write(chunk, done, chunk.length - done)).bytesWritten;
    }
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, file);
}

/** The header and columns of a snapshot file, or why it cannot be used (missing, cut, damaged, another format). */
export async function readSnapshot(file: string): Promise<{ header: unknown; columns: Column[] } | { problem: string }> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    return { problem: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is none' : (e as Error).message };
  }
  if (buf.length < 20 || !buf.subarray(0, 8).equals(MAGIC)) return { problem: 'it is not a snapshot file' };
  if (crc32(buf.subarray(0, buf.length - 4)) >>> 0 !== buf.readUInt32LE(buf.length - 4))
    return { problem: 'its checksum does not match (damaged or cut)' };
  // The views need their element size's alignment.
  if (buf.byteOffset % 8 !== 0) {
    const aligned = new ArrayBuffer(buf.length);
    new Uint8Array(aligned).set(buf);
    buf = Buffer.from(aligned);
  }
  try {
    const headLength = buf.readUInt32LE(8);
    const n = buf.readUInt32LE(12);
    const head = JSON.parse(buf.toString('utf8', 16, 16 + headLength)) as { header: unknown; kinds: string; lengths: number[] };
    if (head.kinds.length !== n || head.lengths.length !== n) return { problem: 'its column list is inconsistent' };
    let at = 16 + headLength + pad8(16 + headLength);
    const columns: Column[] = [];
    for (let i = 0; i < n; i++) {
      const Type = KINDS[head.kinds[i] as Kind];
      const length = head.lengths[i];
      if (!Type || !Number.isSafeInteger(length) || length < 0) return { problem: 'its column list is inconsistent' };
      const bytes = length * Type.BYTES_PER_ELEMENT;
      if (at + bytes > buf.length - 4) return { problem: 'it is shorter than its columns' };
      columns.push(new Type(buf.buffer as ArrayBuffer, buf.byteOffset + at, length));
      at += bytes + pad8(bytes);
    }
    if (at !== buf.length - 4) return { problem: 'it is longer than its columns' };
    return { header: head.header, columns };
  } catch (e) {
    return { problem: `its header cannot be read (${(e as Error).message})` };
  }
}
