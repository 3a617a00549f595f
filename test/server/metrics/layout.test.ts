/**
 * Issue 14: the metrics reference (server/metrics/reference.ts) is the oracle the fast path is
 * held equal to, so the fast path must not lean on it; and what the read side keeps in memory
 * belongs to the app context (server/read/state.ts), never to a module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..', '..');
const sources = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}/${f}`);
const text = (file: string) => readFileSync(join(root, file), 'utf8');

/** The fast path: the fact index, the figures over it, the answers and state built on it. */
const FAST = [
  'server/metrics/fact-index.ts',
  'server/metrics/indexed.ts',
  'server/metrics/read.ts',
  'server/metrics/state.ts',
  'server/metrics/select.ts',
  'server/metrics/result-cache.ts',
];

/** Module-level memos of code alone that may stay (issue 14): the `Intl` formatter of each zone. */
const ALLOWED = new Set(['server/metrics/calendar.ts formatters']);

describe('the metrics layout', () => {
  it('the fast path imports nothing from the reference (nor the old compute.ts)', () => {
    const leaning = FAST.filter((f) => /from '\.\/(reference|compute)'/.test(text(f)));
    expect(leaning).toEqual([]);
    expect(text('server/metrics/reference.ts')).toMatch(/oracle/);
  });

  it('no module of the read side keeps mutable state of its own (maps, sets, buffers, seeds)', () => {
    const found: string[] = [];
    for (const file of ['server/metrics', 'server/read', 'server/org'].flatMap(sources)) {
      for (const m of text(file).matchAll(/^(?:export )?(let|var|const) (\w+)\s*(:[^=]*)?=\s*(.*)$/gm)) {
        const [, kind, name, type = '', value] = m;
        const mutable =
          kind !== 'const' ||
          (!/Readonly/.test(type) &&
            /^new (Map|WeakMap|Set|WeakSet|Scratch|Random|Float64Array|ResultCache|FactIndex|DayStarts)\b/.test(value));
        if (mutable && !ALLOWED.has(`${file} ${name}`)) found.push(`${file} ${name}`);
      }
    }
    expect(found).toEqual([]);
  });
});
