import { describe, expect, it } from 'vitest';
import {
  bandLabel,
  DAY,
  describeSpeedup,
  formatCount,
  formatDuration,
  formatFactor,
  formatPercent,
  formatRate,
  HOUR,
  MINUTE,
  MONTH,
  plural,
  shorten,
  YEAR,
} from '../../client/lib/format';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [42, '42 s'],
    [60, '1 min'],
    [25 * MINUTE, '25 min'],
    [59.97 * MINUTE, '1 hour'],
    [HOUR, '1 hour'],
    [6.4 * HOUR, '6.4 hours'],
    [6444, '1.8 hours'],
    [11 * HOUR, '11 hours'],
    [23.99 * HOUR, '1 day'],
    [1.5 * DAY, '1.5 days'],
    [11 * DAY, '11 days'],
    [29.99 * DAY, '1 month'],
    [2.1 * MONTH, '2.1 months'],
    [3.2 * MONTH, '3.2 months'],
    [5_061_878, '2 months'],
    [11 * MONTH, '11 months'],
    [YEAR, '1 year'],
    [1.4 * YEAR, '1.4 years'],
  ])('%s s reads "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('shows a dash, never 0, where there is no data', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('formatPercent, formatRate, formatCount, plural', () => {
  it.each([
    [0, '0%'],
    [0.061224, '6.1%'],
    [0.03, '3%'],
    [0.12, '12%'],
    [0.125, '13%'],
    [1, '100%'],
    [null, '—'],
  ])('rate %s reads "%s"', (rate, text) => {
    expect(formatPercent(rate)).toBe(text);
  });

  it.each([
    [224.8555, '225'],
    [1234.4, '1,234'],
    [22.46, '22.5'],
    [3.24, '3.2'],
    [7, '7'],
    [0.4, '0.4'],
    [null, '—'],
  ])('per-week rate %s reads "%s"', (n, text) => {
    expect(formatRate(n)).toBe(text);
  });

  it('counts with separators and plurals', () => {
    expect(formatCount(2891)).toBe('2,891');
    expect(plural(1, 'change')).toBe('1 change');
    expect(plural(6383, 'change')).toBe('6,383 changes');
    expect(plural(0, 'incident')).toBe('0 incidents');
  });
});

describe('bands and speedup', () => {
  it('names bands in words', () => {
    expect(bandLabel('elite')).toBe('Elite');
    expect(bandLabel('low')).toBe('Low');
    expect(bandLabel(null)).toBe('No band');
  });

  it('says how far lead time moved from the baseline', () => {
    expect(describeSpeedup(2.1 * MONTH, 1.9 * HOUR, 795.8)).toBe('from 2.1 months at baseline to 1.9 hours: 796× faster');
    expect(describeSpeedup(2 * DAY, 4 * DAY, 0.5)).toBe('from 2 days at baseline to 4 days: 2.0× slower');
    expect(describeSpeedup(DAY, DAY, 1)).toBe('from 1 day at baseline to 1 day: about the same');
    expect(describeSpeedup(null, HOUR, null)).toBeNull();
    expect(formatFactor(2.14)).toBe('2.1×');
    expect(formatFactor(1234.4)).toBe('1,234×');
  });
});

describe('shorten', () => {
  it('keeps a short name and cuts a long one, with an ellipsis', () => {
    expect(shorten('acme/api')).toBe('acme/api');
    expect(shorten('x'.repeat(120))).toBe('x'.repeat(120));
    expect(shorten('x'.repeat(10_000))).toBe(`${'x'.repeat(119)}…`);
    expect([...shorten('Z'.repeat(10_000), 40)]).toHaveLength(40);
  });

  it('never cuts an emoji in half', () => {
    expect(shorten('🚀🚀🚀', 2)).toBe('🚀…');
  });
});
