import { describe, expect, it } from 'vitest';
import { approvalCell, stageRows } from '../../client/lib/stages';

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

describe('approvalCell', () => {
  const stages = { plan: null, do: 60, check: 0, act: 7200, approval: null, release: null, approvalReason: null };
  it('shows the wait and the rest of act where the wait is cut out, so nothing is counted twice', () => {
    expect(approvalCell({ ...stages, approval: 5400, release: 1800 })).toEqual({ wait: '1.5 hours', why: null, act: 1800 });
  });
  it('shows the whole of act and says why where there is no wait, and nothing where no change request was named', () => {
    expect(approvalCell({ ...stages, approvalReason: 'approved after deployment' })).toEqual({
      wait: null,
      why: 'approved after the deployment',
      act: 7200,
    });
    expect(approvalCell({ ...stages, approvalReason: 'no change request' })).toEqual({ wait: null, why: null, act: 7200 });
  });
});
