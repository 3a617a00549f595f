/**
 * The body parsers of every route that reads a JSON or text body (DESIGN.md, "Security"): the
 * size limit as before, then checks on the raw bytes before anything is decoded or parsed:
 *
 * - the bytes are UTF-8 (unless Content-Type names another charset), so invalid bytes are a 400
 *   naming where they are, never silently replaced by U+FFFD;
 * - JSON nests no deeper than `limits.jsonDepth` (counted in one pass without recursion, so a
 *   body of a million `[` neither reaches the parser nor anything recursive after it);
 * - NDJSON has at most `limits.ndjsonLines` lines, blank ones included, counted up to the first
 *   line too many and no further.
 */
import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { HttpError } from './errors';

const NEWLINE = 0x0a;

/**
 * The 1-based line (1 unless `perLine`) where JSON text first nests deeper than `max`, or 0.
 * Brackets inside strings do not count; with `perLine` each line (an NDJSON value) starts at depth 0.
 */
export function tooDeepAt(bytes: Uint8Array, max: number, perLine = false): number {
  // Each level takes a byte: a text no longer than the limit cannot pass it.
  if (bytes.length <= max) return 0;
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c && bytes[i + 1] !== NEWLINE) i++;
      else if (b === 0x22) inString = false;
      else if (b === NEWLINE && perLine) {
        inString = false;
        depth = 0;
        line++;
      }
      continue;
    }
    if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > max) return line;
    } else if (b === 0x5d || b === 0x7d) depth--;
    else if (b === NEWLINE && perLine) {
      depth = 0;
      line++;
    }
  }
  return 0;
}

/** Whether the text has more than `max` lines (blank ones count; a final newline ends the last line). Stops at line max + 1. */
export function moreLinesThan(bytes: Buffer, max: number): boolean {
  let lines = 0;
  for (let at = 0; at < bytes.length;) {
    if (++lines > max) return true;
    const nl = bytes.indexOf(NEWLINE, at);
    if (nl === -1) break;
    at = nl + 1;
  }
  return false;
}

/** The offset of the first byte that is not part of valid UTF-8, or -1 (only called once isUtf8 said no). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    let n: number, min: number;
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** The 1-based line of a byte offset. */
function lineOf(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let at = bytes.indexOf(NEWLINE); at !== -1 && at < offset; at = bytes.indexOf(NEWLINE, at + 1)) line++;
  return line;
}

/** Refuses bytes that are not UTF-8 when the body is read as UTF-8 (the default). */
function checkUtf8(bytes: Buffer, encoding: string | null | undefined): void {
  if (encoding && !/^utf-?8$/i.test(encoding)) return;
  if (isUtf8(bytes)) return;
  const at = firstInvalidUtf8(bytes);
  throw new HttpError(
    400,
    'invalid_utf8',
    `The body is not valid UTF-8: byte ${at} (line ${lineOf(bytes, at)}) is 0x${bytes[at].toString(16).padStart(2, '0')}. Send text encoded as UTF-8.`,
  );
}

function refuseDepth(line: number, max: number, perLine: boolean): never {
  throw new HttpError(
    400,
    'too_deep',
    `${perLine ? `line ${line}: the JSON` : 'The JSON'} nests deeper than ${max} levels (limits.jsonDepth): send flatter data.`,
  );
}

export interface JsonBodyOptions {
  /** The largest body, such as `5mb` (`limits.body`). */
  limit: string;
  /** The media types to parse; express.json's default (application/json) when absent. */
  type?: string | string[];
  /** `limits.jsonDepth`. */
  depth: number;
}

/**
 * The checks of a JSON body's raw bytes: UTF-8 (unless `encoding` names another charset) and
 * nesting at most `depth` deep; throws the 400 that names the problem. For a route that reads
 * its raw body itself (the webhook, whose signature is over the bytes).
 */
export function checkJsonBytes(bytes: Buffer, depth: number, encoding?: string | null): void {
  checkUtf8(bytes, encoding);
  const deep = tooDeepAt(bytes, depth);
  if (deep) refuseDepth(deep, depth, false);
}

/** express.json with the UTF-8 and nesting checks. */
export function jsonBody(o: JsonBodyOptions): RequestHandler {
  return express.json({
    limit: o.limit,
    ...(o.type ? { type: o.type } : {}),
    verify: (_req, _res, bytes, encoding) => checkJsonBytes(bytes, o.depth, encoding),
  });
}

export interface TextBodyOptions {
  limit: string;
  type: string | string[];
  /** For NDJSON: at most this many lines (`limits.ndjsonLines`), each nesting at most `depth` deep. */
  ndjson?: { lines: number; depth: number };
}

/** express.text with the UTF-8 check, and for NDJSON the line and nesting limits. */
export function textBody(o: TextBodyOptions): RequestHandler {
  return express.text({
    limit: o.limit,
    type: o.type,
    verify: (_req, _res, bytes, encoding) => {
      if (o.ndjson && moreLinesThan(bytes, o.ndjson.lines)) {
        throw new HttpError(
          413,
          'too_many_lines',
          `The body has more than ${o.ndjson.lines.toLocaleString('en')} lines (limits.ndjsonLines, blank lines included): send smaller batches.`,
        );
      }
      checkUtf8(bytes, encoding);
      if (o.ndjson) {
        const deep = tooDeepAt(bytes, o.ndjson.depth, true);
        if (deep) refuseDepth(deep, o.ndjson.depth, true);
      }
    },
  });
}
