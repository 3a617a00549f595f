import { describe, expect, it } from 'vitest';
import {
  appendIngested,
  arrivalsOf,
  describeCount,
  FEED_LIMIT,
  feedEntries,
  summariseIngested,
  type DeploymentEntry,
  type FeedItem,
  type IncidentEntry,
} from '../../client/lib/live-feed';

const mine = new Set(['a/web', 'a/api']);
const inScope = (s: string) => mine.has(s);

describe('appendIngested', () => {
  it('puts the new batch first, keeps only the services of the page', () => {
    const first = appendIngested([], { at: '2026-11-22T10:00:00Z', counts: [{ type: 'change', service: 'a/web', n: 2 }] }, inScope);
    const next = appendIngested(
      first,
      {
        at: '2026-11-22T10:05:00Z',
        counts: [
          { type: 'deployment', service: 'a/api', n: 1 },
          { type: 'deployment', service: 'b/other', n: 5 },
          { type: 'ci_run', service: 'a/api', n: 0 },
        ],
      },
      inScope,
    );
    expect(next.map((i) => [i.at, i.type, i.service, i.n])).toEqual([
      ['2026-11-22T10:05:00Z', 'deployment', 'a/api', 1],
      ['2026-11-22T10:00:00Z', 'change', 'a/web', 2],
    ]);
    expect(new Set(next.map((i) => i.id)).size).toBe(2);
  });

  it('keeps at most the limit', () => {
    let feed: FeedItem[] = [];
    for (let i = 0; i < FEED_LIMIT + 5; i++) {
      feed = appendIngested(
        feed,
        { at: new Date(Date.UTC(2026, 10, 22, 10, i)).toISOString(), counts: [{ type: 'change', service: 'a/web', n: 1 }] },
        inScope,
      );
    }
    expect(feed).toHaveLength(FEED_LIMIT);
    expect(feed[0].at).toBe(new Date(Date.UTC(2026, 10, 22, 10, FEED_LIMIT + 4)).toISOString());
  });
});

describe('describing events', () => {
  it.each([
    ['deployment', 1, '1 deployment'],
    ['change', 3, '3 changes'],
    ['ci_run', 2, '2 CI runs'],
    ['incident', 1, '1 incident'],
    ['pipeline_run', 2, '2 pipeline run events'],
  ])('%s × %i reads "%s"', (type, n, text) => {
    expect(describeCount(type, n)).toBe(text);
  });

  it('summarises a batch for the live region', () => {
    const items = appendIngested(
      [],
      {
        at: '2026-11-22T10:00:00Z',
        counts: [
          { type: 'change', service: 'a/web', n: 1 },
          { type: 'change', service: 'a/api', n: 1 },
          { type: 'deployment', service: 'a/api', n: 1 },
        ],
      },
      inScope,
    );
    expect(summariseIngested(items)).toBe('2 changes and 1 deployment arrived');
    expect(summariseIngested([])).toBe('');
  });
});

describe('the feed of deployments and incidents', () => {
  const deployment = (id: string, status: string, finishedAt: string, over: Partial<DeploymentEntry> = {}): DeploymentEntry => ({
    service: 'a/web',
    id,
    environment: 'production',
    production: true,
    status,
    startedAt: null,
    finishedAt,
    url: null,
    changes: 2,
    ...over,
  });
  const incident: IncidentEntry = {
    service: 'a/api',
    id: 'i1',
    openedAt: '2026-11-22T09:30:00Z',
    resolvedAt: null,
    severity: 'SEV2',
    title: 'Payments slow',
    url: 'https://pager.example/i1',
  };

  it('says how each went, newest first, never "1 deployment" for a failed one', () => {
    const feed = feedEntries(
      [
        deployment('d2', 'failure', '2026-11-22T10:00:00Z'),
        deployment('d1', 'success', '2026-11-22T09:00:00Z', { causedIncident: true }),
        deployment('s1', 'success', '2026-11-22T08:00:00Z', { production: false, environment: 'staging', changes: 0 }),
        deployment('c1', 'success', '2026-11-22T07:00:00Z', { changes: 0, changeRequest: 'CHG0042', approvalWait: 4 * 86400 + 6 * 3600 }),
        deployment('c2', 'success', '2026-11-22T06:00:00Z', { changes: 0, changeRequest: 'CHG0043', approvalWait: null }),
      ],
      [incident],
    );
    expect(feed.map((e) => [e.what, e.status, e.detail, e.severity])).toEqual([
      ['Failed deployment to production', 'failed', '2 changes', null],
      ['Incident opened', 'open', 'Payments slow', 'SEV2'],
      ['Deployed to production', 'success', '2 changes; caused an incident', null],
      ['Deployed to staging', 'success', null, null],
      ['Deployed to production', 'success', 'CHG0042 waited 4.3 days for approval', null],
      ['Deployed to production', 'success', null, null],
    ]);
  });

  it('puts a resolved incident at its resolution, and keeps to the limit', () => {
    const resolved = { ...incident, resolvedAt: '2026-11-22T11:00:00Z' };
    expect(feedEntries([deployment('d2', 'failure', '2026-11-22T10:00:00Z')], [resolved], [], 1).map((e) => e.what)).toEqual([
      'Incident resolved',
    ]);
  });

  it('shows the counts of what else arrived, but not the changes a deployment of the same batch carries', () => {
    const batch = appendIngested(
      [],
      {
        at: '2026-11-22T12:00:00Z',
        counts: [
          { type: 'change', service: 'a/web', n: 2 },
          { type: 'deployment', service: 'a/web', n: 1 },
          { type: 'change', service: 'a/api', n: 1 },
          { type: 'ci_run', service: 'a/web', n: 3 },
        ],
      },
      inScope,
    );
    const arrivals = arrivalsOf(batch);
    expect(arrivals.map((a) => [a.type, a.service])).toEqual([
      ['change', 'a/api'],
      ['ci_run', 'a/web'],
    ]);
    expect(feedEntries([], [], arrivals).map((e) => e.what)).toEqual(['1 change arrived', '3 CI runs arrived']);
  });
});
