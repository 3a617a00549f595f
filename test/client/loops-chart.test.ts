import { describe, expect, it } from 'vitest';
import {
  deploymentBars,
  lastDay,
  leadTimeBars,
  loopBarChartData,
  loopDates,
  loopLabels,
  loopLengthDays,
  loopTargets,
  visibleLoops,
} from '../../client/lib/loops-chart';
import { hasStages, loopStagesChartData, loopStageStacks } from '../../client/lib/loops-stages';
import { loopItem } from '../helpers/loop-item';
import { selectedLoopIndex } from '../../client/lib/loops-state';

const loops = [
  loopItem({
    id: 'cadence:2025-12-29',
    from: '2025-12-29T00:00:00.000Z',
    to: '2026-01-12T00:00:00.000Z',
    leadTime: 60 * 86_400,
    perWeek: 0.5,
  }),
  loopItem({
    id: '7',
    from: '2026-01-12T00:00:00.000Z',
    to: '2026-01-26T00:00:00.000Z',
    leadTime: null,
    perWeek: 0,
    deployments: 0,
    plan: { metric: 'leadTime', target: 6 * 3600, hypothesis: 'h' },
  }),
  loopItem({
    id: '8',
    from: '2026-01-26T00:00:00.000Z',
    to: '2026-02-09T00:00:00.000Z',
    leadTime: 0,
    perWeek: 21,
    plan: { metric: 'deploymentFrequency', target: 20, hypothesis: 'h' },
  }),
];

describe('loop bars', () => {
  it('labels loops by their first day, with the year where it changes', () => {
    expect(loopLabels(loops)).toEqual(['29 Dec 2025', '12 Jan 2026', '26 Jan']);
  });

  it('gives lead time per loop, null without changes, 0 drawn at one second for the log axis', () => {
    const bars = leadTimeBars(loops);
    expect(bars.values).toEqual([60 * 86_400, null, 1]);
    expect(bars.targets).toEqual([null, 6 * 3600, null]);
  });

  it('gives deployments per week, with targets only where the plan aims at that metric', () => {
    expect(deploymentBars(loops)).toMatchObject({ values: [0.5, 0, 21], targets: [null, null, 20] });
    expect(loopTargets(loops, 'changeFailureRate')).toEqual([null, null, null]);
  });

  it('draws the targets as a second dataset of markers, no line between loops, and marks the selected bar', () => {
    const data = loopBarChartData(leadTimeBars(loops), 'Lead time p50', 1);
    expect(data.datasets).toHaveLength(2);
    const [bars, targets] = data.datasets;
    expect(bars).toMatchObject({ type: 'bar', data: [60 * 86_400, null, 1] });
    expect((bars.backgroundColor as string[])[1]).not.toBe((bars.backgroundColor as string[])[0]);
    expect(targets).toMatchObject({ type: 'line', label: 'Target', data: [null, 6 * 3600, null], showLine: false, pointStyle: 'line' });
  });

  it('leaves the target dataset out when no loop has one', () => {
    expect(loopBarChartData({ labels: ['a'], values: [3], targets: [null] }, 'x').datasets).toHaveLength(1);
  });
});

describe('loops shown and picked', () => {
  const now = Date.parse('2026-02-01T12:00:00Z');

  it('leaves out cadence loops that have not started, keeps recorded loops planned ahead', () => {
    const ahead = [
      loopItem({ id: 'cadence:2026-02-09', derived: true, from: '2026-02-09T00:00:00.000Z', to: '2026-02-23T00:00:00.000Z' }),
      loopItem({ id: '9', from: '2026-02-09T00:00:00.000Z', to: '2026-02-23T00:00:00.000Z' }),
    ];
    expect(visibleLoops([...loops, ...ahead], now).map((l) => l.id)).toEqual(['cadence:2025-12-29', '7', '8', '9']);
  });

  it('picks the loop the URL names, else the last that has ended (not the running one), else the running one', () => {
    const all = [...loops, loopItem({ id: '9', from: '2026-02-09T00:00:00.000Z', to: '2026-02-23T00:00:00.000Z' })];
    expect(selectedLoopIndex(all, '8', now)).toBe(2);
    expect(selectedLoopIndex(all, 'gone', now)).toBe(1);
    expect(selectedLoopIndex(all, null, now)).toBe(1);
    expect(selectedLoopIndex([loops[2]], null, now)).toBe(0);
    expect(selectedLoopIndex([], null, now)).toBe(-1);
  });

  it("says a loop's days with its last day included", () => {
    expect(loopDates(loops[0])).toBe('29 Dec 2025 – 11 Jan 2026');
    expect(loopDates(loops[1])).toBe('12 Jan – 25 Jan 2026');
    expect(lastDay(loops[1])).toBe('2026-01-25');
    expect(loopLengthDays(loops[1])).toBe(14);
    expect(loopLengthDays(undefined)).toBe(14);
  });
});

describe('stage stacks per loop', () => {
  it("gives each stage its share of the loop's stage medians, null without data", () => {
    const stacks = loopStageStacks([
      loopItem({ stages: { count: 4, plan: 300, do: 100, check: null, act: 100, loop: 600 } }),
      loopItem({ stages: { count: 0, plan: null, do: null, check: null, act: null, loop: null } }),
    ]);
    expect(stacks.map((s) => [s.name, s.shares, s.p50s])).toEqual([
      ['plan', [60, null], [300, null]],
      ['do', [20, null], [100, null]],
      ['check', [null, null], [null, null]],
      ['act', [20, null], [100, null]],
    ]);
    expect(hasStages(stacks)).toBe(true);
    const data = loopStagesChartData(['a', 'b'], stacks);
    expect(data.datasets.map((d) => [d.label, d.stack])).toEqual([
      ['Plan', 'stages'],
      ['Do', 'stages'],
      ['Check', 'stages'],
      ['Act', 'stages'],
    ]);
  });

  it('has nothing to draw when no loop had a merged pull request', () => {
    expect(hasStages(loopStageStacks([loopItem({ stages: { count: 0, plan: null, do: null, check: null, act: null, loop: null } })]))).toBe(
      false,
    );
  });
});
