import { describe, expect, it } from 'vitest';
import { createProgress, renderBar } from '../../server/cli/progress';

const stream = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } };
};

describe('the CLI progress bar', () => {
  it('draws a bar with the share, the counts and the unit', () => {
    expect(renderBar(400, 1000, 'events', 10)).toBe('[####------]  40%  400/1,000 events');
    expect(renderBar(1500, undefined, 'events')).toBe('1,500 events');
  });

  it('prints a plain line at every tenth without a terminal, and the summary', () => {
    const s = stream(false);
    const p = createProgress({ label: 'import', unit: 'events', stream: s.stream, width: 10, now: () => 0 });
    for (let done = 0; done <= 1000; done += 50) p.update(done, 1000);
    p.finish('Imported 1000 events.');
    expect(s.out).toHaveLength(12);
    expect(s.out[0]).toBe('import [----------]   0%  0/1,000 events\n');
    expect(s.out[10]).toBe('import [##########] 100%  1,000/1,000 events\n');
    expect(s.out[11]).toBe('Imported 1000 events.\n');
    expect(s.out.join('')).not.toMatch(/\r|\x1b/);
  });

  it('redraws one line on a terminal, at most ten times a second', () => {
    const s = stream(true);
    let t = 0;
    const p = createProgress({ label: 'import', unit: 'events', stream: s.stream, width: 10, now: () => t });
    p.update(1, 10);
    p.update(2, 10); // within 100 ms: skipped
    t = 150;
    p.update(3, 10);
    p.finish('done');
    expect(s.out).toEqual([
      '\rimport [#---------]  10%  1/10 events\x1b[K',
      '\rimport [###-------]  30%  3/10 events\x1b[K',
      '\r\x1b[Kdone\n',
    ]);
  });
});
