import { describe, expect, it } from 'vitest';
import type { BandCounts } from '../../common/api';
import { bandScore, bandSegments, describeBands } from '../../client/lib/summary-bands';

const counts = (o: Partial<BandCounts>): BandCounts => ({ elite: 0, high: 0, medium: 0, low: 0, none: 0, ...o });

describe('band bar segments', () => {
  it('keeps the bands that have services, best first, with shares and words', () => {
    expect(bandSegments(counts({ high: 6, elite: 2, medium: 1, none: 1 }))).toEqual([
      { band: 'elite', count: 2, share: 0.2, label: '2 elite' },
      { band: 'high', count: 6, share: 0.6, label: '6 high' },
      { band: 'medium', count: 1, share: 0.1, label: '1 medium' },
      { band: 'none', count: 1, share: 0.1, label: '1 no data' },
    ]);
  });

  it('has no segments without services', () => {
    expect(bandSegments(counts({}))).toEqual([]);
  });

  it('shares add up to one', () => {
    const total = bandSegments(counts({ elite: 1, high: 1, low: 1 })).reduce((s, x) => s + x.share, 0);
    expect(total).toBeCloseTo(1, 10);
  });
});

describe('band words', () => {
  it.each([
    [counts({ elite: 2, high: 6, medium: 1 }), '9 services: 2 elite, 6 high, 1 medium.'],
    [counts({ low: 1 }), '1 service: 1 low.'],
    [counts({ none: 3 }), '3 services: 3 no data.'],
    [counts({}), 'No services.'],
  ])('%o reads "%s"', (c, text) => {
    expect(describeBands(c)).toBe(text);
  });

  it('scores the mean band of the services that have one', () => {
    expect(bandScore(counts({ elite: 1, low: 1 }))).toBe(2.5);
    expect(bandScore(counts({ high: 2, none: 7 }))).toBe(3);
    expect(bandScore(counts({ none: 2 }))).toBeNull();
  });
});
