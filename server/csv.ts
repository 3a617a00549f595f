/**
 * CSV (RFC 4180) for every list and series, when asked with `Accept: text/csv` or `?format=csv`.
 * The one CSV writer of Deming: `npx deming export` and the dashboard's "Download CSV" links read it.
 */
import type { Request, Response } from 'express';

/** What a spreadsheet runs as a formula when a cell starts with it (DESIGN.md, "Security"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Text that is a plain decimal number ("-5", "+1.5e3"): a spreadsheet reads it as that number and runs nothing. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Text as a spreadsheet should show it: one that would run as a formula (`=HYPERLINK(...)`,
 * `@SUM(...)`, `-2+3`) gets a leading `'`, which makes it text. Numbers, and text that is a
 * plain number, are left alone.
 */
function inertCell(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : typeof v === 'string' ? inertCell(v) : String(v);
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

/** The dotted column names of a row type: `pullRequest.number` for a nested (even nullable) object. */
export type ColumnOf<T> = {
  [K in keyof T & string]: NonNullable<T[K]> extends readonly unknown[]
    ? K
    : NonNullable<T[K]> extends Record<string, unknown>
      ? `${K}.${ColumnOf<NonNullable<T[K]>>}`
      : K;
}[keyof T & string];

/** A list's columns, checked against its item type, so its CSV has the same header whatever the rows. */
export const columnsOf = <T>(...columns: ColumnOf<T>[]): readonly string[] => columns;

/**
 * The rows as CSV. With `columns`, those first and always (a list with no rows still has its
 * header, and a nested object that is null leaves its columns empty); any other field a row has
 * follows, so nothing is dropped.
 */
export function toCsv(rows: Record<string, unknown>[], columns: readonly string[] = []): string {
  const flat = rows.map((r) => flatten(r));
  const known = new Set(columns);
  const nested = (k: string) => columns.some((c) => c.startsWith(`${k}.`));
  const extra = [...new Set(flat.flatMap((r) => Object.keys(r)))].filter((k) => !known.has(k) && !nested(k));
  const all = [...columns, ...extra];
  return [all.map(cell).join(','), ...flat.map((r) => all.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}

export function wantsCsv(req: Request): boolean {
  if (req.query.format !== undefined) return req.query.format === 'csv';
  return (req.get('accept') ?? '').includes('text/csv');
}

/** Answers JSON, or the rows as CSV when the client asked for it. */
export function sendRows(
  req: Request,
  res: Response,
  body: unknown,
  rows: Record<string, unknown>[],
  name: string,
  columns?: readonly string[],
): void {
  if (wantsCsv(req)) {
    res.type('text/csv').attachment(`${name}.csv`).send(toCsv(rows, columns));
  } else {
    res.json(body);
  }
}
