/** CSV (RFC 4180) for every list and series, when asked with `Accept: text/csv` or `?format=csv`. */
import type { Request, Response } from 'express';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Flattens nested objects into dotted column names. */
function flatten(row: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(row)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

export function toCsv(rows: Record<string, unknown>[]): string {
  const flat = rows.map((r) => flatten(r));
  const columns = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  return [columns.map(cell).join(','), ...flat.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}

export function wantsCsv(req: Request): boolean {
  if (req.query.format !== undefined) return req.query.format === 'csv';
  return (req.get('accept') ?? '').includes('text/csv');
}

/** Answers JSON, or the rows as CSV when the client asked for it. */
export function sendRows(req: Request, res: Response, body: unknown, rows: Record<string, unknown>[], name: string): void {
  if (wantsCsv(req)) {
    res.type('text/csv').attachment(`${name}.csv`).send(toCsv(rows));
  } else {
    res.json(body);
  }
}
