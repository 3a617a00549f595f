import { describe, expect, it } from 'vitest';
import { appendIngested, describeCount, FEED_LIMIT, summariseIngested, type FeedItem } from '../../client/lib/live-feed';

const mine = new Set(['a/web', 'a/api']);
const inScope = (s: string) => mine.has(s);

describe('appendIngested', () => {
  it('puts the new batch first, keeps only the services of the page', () => {
    const first = appendIngested([], { at: '2026-11-22T10:00:00Z', counts: [{ type: 'change', service: 'a/web', n: 2 }] }, inScope);
    const next = appendIngested(first, {
      at: '2026-11-22T10:05:00Z',
      counts: [{ type: 'deployment', service: 'a/api', n: 1 }, { type: 'deployment', service: 'b/other', n: 5 }, { type: 'ci_run', service: 'a/api', n: 0 }],
    }, inScope);
    expect(next.map((i) => [i.at, i.type, i.service, i.n])).toEqual([
      ['2026-11-22T10:05:00Z', 'deployment', 'a/api', 1],
      ['2026-11-22T10:00:00Z', 'change', 'a/web', 2],
    ]);
    expect(new Set(next.map((i) => i.id)).size).toBe(2);
  });

  it('keeps at most the limit', () => {
    let feed: FeedItem[] = [];
    for (let i = 0; i < FEED_LIMIT + 5; i++) {
      feed = appendIngested(feed, { at: new Date(Date.UTC(2026, 10, 22, 10, i)).toISOString(), counts: [{ type: 'change', service: 'a/web', n: 1 }] }, inScope);
    }
    expect(feed).toHaveLength(FEED_LIMIT);
    expect(feed[0].at).toBe(new Date(Date.UTC(2026, 10, 22, 10, FEED_LIMIT + 4)).toISOString());
  });
});

describe('describing events', () => {
  it.each([
    ['deployment', 1, '1 deployment'], ['change', 3, '3 changes'], ['ci_run', 2, '2 CI runs'], ['incident', 1, '1 incident'], ['pipeline_run', 2, '2 pipeline run events'],
  ])('%s × %i reads "%s"', (type, n, text) => {
    expect(describeCount(type, n)).toBe(text);
  });

  it('summarises a batch for the live region', () => {
    const items = appendIngested([], {
      at: '2026-11-22T10:00:00Z',
      counts: [{ type: 'change', service: 'a/web', n: 1 }, { type: 'change', service: 'a/api', n: 1 }, { type: 'deployment', service: 'a/api', n: 1 }],
    }, inScope);
    expect(summariseIngested(items)).toBe('2 changes and 1 deployment arrived');
    expect(summariseIngested([])).toBe('');
  });
});
