import { describe, expect, it } from 'vitest';
import {
  activePreset,
  addDays,
  apiWindow,
  bucketFor,
  isIsoDate,
  PRESETS,
  presetRange,
  rangeFromSearch,
  searchForRange,
  utcDay,
} from '../../client/lib/date-range';

const TODAY = '2026-11-22';
const q = (s: string) => new URLSearchParams(s);

describe('date ranges in the URL', () => {
  it('defaults to the last 90 days, up to now', () => {
    expect(rangeFromSearch(q(''), TODAY)).toEqual({ from: '2026-08-24', to: null });
    expect(activePreset(rangeFromSearch(q(''), TODAY), TODAY)?.id).toBe('90d');
  });

  it('reads from and to, ignoring what is not a calendar day', () => {
    expect(rangeFromSearch(q('from=2026-01-01&to=2026-03-31'), TODAY)).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(rangeFromSearch(q('from=2026-02-30&to=soon'), TODAY)).toEqual({ from: '2026-08-24', to: null });
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
  });

  it('treats a `to` of today or later as "up to now"', () => {
    expect(rangeFromSearch(q(`from=2026-01-01&to=${TODAY}`), TODAY).to).toBeNull();
    expect(searchForRange({ from: '2026-01-01', to: TODAY }, TODAY)).toBe('?from=2026-01-01');
    expect(searchForRange({ from: '2026-01-01', to: '2026-03-31' }, TODAY)).toBe('?from=2026-01-01&to=2026-03-31');
  });

  it('asks the API for [from, day after to), or up to now', () => {
    expect(apiWindow({ from: '2026-01-01', to: '2026-03-31' })).toEqual({ from: '2026-01-01', to: '2026-04-01' });
    expect(apiWindow({ from: '2026-01-01', to: null })).toEqual({ from: '2026-01-01' });
  });

  it('has presets for 30 days to 18 months', () => {
    expect(PRESETS.map((p) => p.label)).toEqual(['30 days', '90 days', '12 months', '18 months']);
    const r = presetRange(PRESETS[3], TODAY);
    expect(r).toEqual({ from: addDays(TODAY, -548), to: null });
    expect(activePreset(r, TODAY)?.id).toBe('18m');
    expect(activePreset({ from: '2026-01-01', to: '2026-03-31' }, TODAY)).toBeUndefined();
  });

  it('uses weeks up to two years and months beyond', () => {
    expect(bucketFor(presetRange(PRESETS[3], TODAY), TODAY)).toBe('week');
    expect(bucketFor({ from: '2022-01-01', to: null }, TODAY)).toBe('month');
  });

  it('counts days in UTC', () => {
    expect(utcDay(new Date('2026-11-22T23:59:59-08:00'))).toBe('2026-11-23');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
