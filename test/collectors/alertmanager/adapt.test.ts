/** Alertmanager notifications as incidents: grouping by labels, by fingerprint or by the notification's group, and Go's zero time. */
import { describe, expect, it } from 'vitest';
import { alertGroups, incidentOf, notificationSchema } from '../../../collectors/alertmanager/adapt';
import { parseMatcher, type Matcher } from '../../../collectors/alertmanager/config';
import { notification } from './notifications';

const filter = [parseMatcher('env="production"') as Matcher, parseMatcher('severity=~"critical|page"') as Matcher];
const NOW = Date.parse('2026-03-25T00:00:00Z');
const a = (instance: string, startsAt: string, endsAt?: string, severity = 'critical') => ({
  labels: { alertname: 'HighLatency', service: 'booking', env: 'production', severity, instance },
  startsAt,
  endsAt,
});
const read = (groupBy: string[] | 'fingerprint' | null, n: unknown) =>
  alertGroups({ filter, groupBy, severityLabel: 'severity' }, notificationSchema.parse(n), NOW);

describe('alert groups', () => {
  it('makes one incident of a group by its labels, two by fingerprint', () => {
    const n = notification({ alertname: 'HighLatency' }, [a('a', '2026-03-03T10:00:00Z'), a('b', '2026-03-03T10:02:00Z')]);
    expect(read(['alertname', 'service'], n).groups).toHaveLength(1);
    expect(read(null, n).groups).toHaveLength(1);
    expect(read('fingerprint', n).groups.map((g) => g.grouping)).toEqual([expect.stringMatching(/^fp:/), expect.stringMatching(/^fp:/)]);
  });

  it('reads the zero endsAt of a firing alert as not ended, and a matcher that does not hold as not an incident', () => {
    const n = notification({ alertname: 'HighLatency' }, [
      a('a', '2026-03-03T10:00:00Z'),
      a('w', '2026-03-03T10:00:00Z', undefined, 'warning'),
    ]);
    expect(n.alerts[0].endsAt).toBe('0001-01-01T00:00:00Z');
    const r = read(['alertname'], n);
    expect(r.filtered).toBe(1);
    const incident = incidentOf(r.groups[0], undefined);
    expect(incident).toMatchObject({ resolvedAt: null, openedAt: Date.parse('2026-03-03T10:00:00Z'), severityValue: 'critical' });
    expect(incident.id).toMatch(/^[0-9a-f]{16}@2026-03-03T10:00:00.000Z$/);
    // The labels the alerts share are what a rule matches; the instance differs, so it is not among them.
    expect(
      incidentOf(
        read(['alertname'], notification({}, [a('a', '2026-03-03T10:00:00Z'), a('b', '2026-03-03T10:01:00Z')])).groups[0],
        undefined,
      ).fields,
    ).not.toHaveProperty('instance');
  });

  it('continues the open incident of its group, keeping its first opening', () => {
    const g = read(['alertname'], notification({}, [a('b', '2026-03-03T10:30:00Z', '2026-03-03T11:00:00Z')])).groups[0];
    expect(incidentOf(g, { id: 'open-one', openedAt: Date.parse('2026-03-03T10:00:00Z') })).toMatchObject({
      id: 'open-one',
      openedAt: Date.parse('2026-03-03T10:00:00Z'),
      resolvedAt: Date.parse('2026-03-03T11:00:00Z'),
    });
  });
});
