import { describe, expect, it } from 'vitest';
import type { OrgResponse } from '../../common/api';
import { fold, placesOf, searchPlaces, SUMMARY } from '../../client/lib/scope-search';

const org: OrgResponse = {
  departments: [
    { id: 'health', name: 'Health', teams: ['appts', 'records'] },
    { id: 'tax', name: 'Revenue and Customs', teams: ['returns'] },
  ],
  teams: [
    { id: 'appts', name: 'Appointments', departmentId: 'health', services: ['health/booking', 'health/reminders'] },
    { id: 'records', name: 'Patient records', departmentId: 'health', services: ['health/records-api'] },
    { id: 'returns', name: 'Self assessment', departmentId: 'tax', services: ['tax/returns-web', 'tax/Überweisung'] },
  ],
  services: [
    { name: 'health/booking', teamId: 'appts' },
    { name: 'health/reminders', teamId: 'appts' },
    { name: 'health/records-api', teamId: 'records' },
    { name: 'tax/returns-web', teamId: 'returns' },
    { name: 'tax/Überweisung', teamId: 'returns' },
  ],
  demo: false,
};
const places = placesOf(org);
const keys = (q: string, limit = 50) => searchPlaces(places, q, limit).matches.map((p) => p.key);

describe("the scope picker's search", () => {
  it('lists every place in the order of the tree when nothing is typed', () => {
    expect(keys('')).toEqual([
      SUMMARY,
      'org',
      'department:health',
      'department:tax',
      'team:appts',
      'team:records',
      'team:returns',
      'service:health/booking',
      'service:health/reminders',
      'service:health/records-api',
      'service:tax/returns-web',
      'service:tax/Überweisung',
    ]);
  });

  it('puts names that start with the query first, then a word of the name, then inside it, then the context', () => {
    // "re": Revenue (starts); Patient records, health/reminders, health/records-api, tax/returns-web (a word starts);
    // then the team and the service whose context (Revenue and Customs) holds it.
    expect(keys('re')).toEqual([
      'department:tax',
      'team:records',
      'service:health/reminders',
      'service:health/records-api',
      'service:tax/returns-web',
      'team:returns',
      'service:tax/Überweisung',
    ]);
  });

  it('needs every word, in any order, and finds a service by its team or department', () => {
    expect(keys('appointments booking')).toEqual(['service:health/booking']);
    expect(keys('self assessment')).toEqual(['team:returns', 'service:tax/returns-web', 'service:tax/Überweisung']);
  });

  it('ignores case and accents', () => {
    expect(keys('uberweisung')).toEqual(['service:tax/Überweisung']);
    expect(fold('ÜBER')).toBe('uber');
  });

  it('keeps to the limit and says how many matched', () => {
    expect(searchPlaces(places, 'health', 2)).toMatchObject({ total: 6 });
    expect(searchPlaces(places, 'health', 2).matches).toHaveLength(2);
  });

  it('finds one service among 2,000, and counts the matches beyond the limit', () => {
    const big: OrgResponse = {
      ...org,
      services: Array.from({ length: 2000 }, (_, i) => ({ name: `dept-${i % 40}/service-${i}`, teamId: 'appts' })),
    };
    const many = placesOf(big);
    expect(searchPlaces(many, 'service-1999', 50).matches.map((p) => p.key)).toEqual(['service:dept-39/service-1999']);
    expect(searchPlaces(many, 'service-19', 50).total).toBe(111);
  });
});
