import { describe, expect, it } from 'vitest';
import { stageRows } from '../../client/lib/stages';

describe('stageRows', () => {
  it('shares the stage medians that have data, and leaves the rest null', () => {
    const rows = stageRows({ count: 10, plan: null, do: 300, check: 100, act: 0, loop: 500 });
    expect(rows.map((r) => [r.name, r.p50, r.share])).toEqual([
      ['plan', null, null],
      ['do', 300, 0.75],
      ['check', 100, 0.25],
      ['act', 0, 0],
    ]);
    expect(stageRows({ count: 0, plan: null, do: null, check: null, act: null, loop: null }).every((r) => r.share === null)).toBe(true);
  });
});
