import { describe, expect, it } from 'vitest';
import type { Xmr } from '../../common/api';
import {
  durationAxis,
  durationStep,
  formatAxisDuration,
  pointMarks,
  signalExplanations,
  signalLabels,
  signalSummary,
  xmrChartData,
  xmrTableColumns,
} from '../../client/lib/xmr-chart';

const H = 3600;
const xmr = (o: Partial<Xmr> = {}): Xmr => ({
  values: [10 * H, 12 * H, null, 30 * H, 2 * H, 3 * H],
  centre: 10 * H,
  upperLimit: 25 * H,
  lowerLimit: -1 * H,
  movingRanges: [null, 2 * H, null, null, 28 * H, 1 * H],
  movingRangeMean: 5 * H,
  movingRangeUpperLimit: 16 * H,
  signals: [
    { index: 3, rule: 'outside-limits', explanation: 'Above the upper natural process limit.' },
    { index: 4, rule: 'run-of-8', explanation: 'The 8th point in a row below the centre line.' },
    { index: 5, rule: 'run-of-8', explanation: 'The 9th point in a row below the centre line.' },
    { index: 5, rule: 'outside-limits', explanation: 'Below the lower natural process limit.' },
  ],
  ...o,
});
const labels = ['5 Jan', '12 Jan', '19 Jan', '26 Jan', '2 Feb', '9 Feb'];

describe('XmR signals', () => {
  it('marks each point: outside the limits (above or below) wins over a run', () => {
    expect(pointMarks(xmr())).toEqual(['none', 'none', 'none', 'above', 'run', 'below']);
  });

  it('labels the first point of each stretch of one kind of signal', () => {
    expect(signalLabels(['none', 'above', 'above', 'run', 'run', 'below', 'none', 'run'])).toEqual([
      null,
      'limit',
      null,
      'run',
      null,
      'limit',
      null,
      'run',
    ]);
  });

  it('explains every signal of a point, for the tooltip and the table', () => {
    expect(signalExplanations(xmr())[5]).toEqual([
      'The 9th point in a row below the centre line.',
      'Below the lower natural process limit.',
    ]);
  });

  it('sums the signals up in a sentence, counting points once per rule', () => {
    expect(signalSummary(xmr().signals, 'week')).toBe(
      '2 weeks outside the limits; 2 weeks in a run of 8 or more on one side of the centre line: something special (not chance) moved the process there.',
    );
    expect(signalSummary([], 'week')).toMatch(/^No signal/);
  });
});

describe('xmrChartData', () => {
  const charts = xmrChartData(xmr(), labels);

  it('draws the values with the centre line and the upper limit as flat lines, and leaves out a lower limit below zero', () => {
    const [values, centre, upper, ...rest] = charts.individuals.datasets;
    expect(values.data).toEqual(xmr().values);
    expect(centre).toMatchObject({ label: 'Centre line (mean)', data: Array(6).fill(10 * H), pointRadius: 0 });
    expect(upper).toMatchObject({ label: 'Upper natural process limit', data: Array(6).fill(25 * H), borderDash: [6, 4] });
    expect(rest).toEqual([]);
    expect(charts.lowerBelowZero).toBe(true);
  });

  it('draws a lower limit above zero', () => {
    const lower = xmrChartData(xmr({ lowerLimit: 2 * H }), labels).individuals.datasets[3];
    expect(lower).toMatchObject({ label: 'Lower natural process limit', data: Array(6).fill(2 * H) });
  });

  it('gives signal points their own shape, size and label, not colour alone', () => {
    const values = charts.individuals.datasets[0];
    expect(values.pointStyle).toEqual(['circle', 'circle', 'circle', 'triangle', 'rectRot', 'triangle']);
    expect(values.pointRotation).toEqual([0, 0, 0, 0, 0, 180]);
    expect((values.pointRadius as number[])[3]).toBeGreaterThan((values.pointRadius as number[])[0]);
    expect(charts.labels).toEqual([null, null, null, 'limit', 'run', 'limit']);
  });

  it('draws the moving ranges with their mean and upper range limit', () => {
    expect(charts.movingRange.datasets.map((d) => [d.label, d.data[1]])).toEqual([
      ['Moving range', 2 * H],
      ['Mean moving range', 5 * H],
      ['Upper range limit', 16 * H],
    ]);
  });

  it('lists every bucket in the table: value, moving range and the signal in words', () => {
    const [value, range, signal] = xmrTableColumns(xmr());
    expect(value.values).toEqual(['10 hours', '12 hours', '—', '1.3 days', '2 hours', '3 hours']);
    expect(range.values).toEqual(['—', '2 hours', '—', '—', '1.2 days', '1 hour']);
    expect(signal.values[3]).toBe('Above the upper natural process limit.');
    expect(signal.values[0]).toBe('');
  });
});

describe('the linear duration axis', () => {
  it.each([
    [50 * 60, 15 * 60],
    [5 * H, H],
    [30 * H, 6 * H],
    [20 * 86_400, 7 * 86_400],
    [80 * 86_400, 14 * 86_400],
    [100 * 86_400, 30 * 86_400],
    [0, H],
  ])('max %d s → step %d s', (max, step) => {
    expect(durationStep(max)).toBe(step);
  });

  it("ends on a round step and labels ticks in the step's unit", () => {
    const axis = durationAxis(20 * 86_400);
    expect(axis.max).toBe(21 * 86_400);
    expect(axis.ticks.map((t) => formatAxisDuration(t, axis.step))).toEqual(['0', '1 week', '2 weeks', '3 weeks']);
    expect(formatAxisDuration(90 * 60, 30 * 60)).toBe('90 min');
  });
});
