/**
 * `updatedAt`, the source's own modification time, over `POST /api/v1/events` on a real server:
 * for each native type a version older than the stored one is acknowledged as unchanged and
 * changes nothing a user sees; an equal or newer one, or one without a time, is applied; and the
 * state reached does not depend on the order the versions arrive in. Each case runs through the
 * hand-written fast validator and through zod.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastParse } from '../../common/events-fast';
import { get, post, startTestServer } from '../helpers/server';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Event = Record<string, unknown>;

let s: Server;
beforeAll(async () => {
  s = await startTestServer({}, () => Date.parse('2026-03-10T00:00:00Z'));
});
afterAll(async () => {
  await s.stop();
});

const T1 = '2026-03-02T10:00:00Z',
  T2 = '2026-03-02T11:00:00Z',
  T3 = '2026-03-02T12:00:00Z',
  T4 = '2026-03-02T13:00:00Z';
const WINDOW = 'from=2026-03-01T00:00:00Z&to=2026-03-09T00:00:00Z';

async function send(events: Event[]) {
  const r = await post(`${s.url}/api/v1/events`, events);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { accepted: number; updated: number; unchanged: number };
}
const storedEvents = async () => (await get(`${s.url}/api/v1/health`)).body.database.events as number;
const list = async (path: string, id: string) => {
  const r = await get(`${s.url}/api/v1/${path}?${WINDOW}&limit=10000`);
  expect(r.status).toBe(200);
  return (r.body.items as Event[]).find((x) => x.id === id);
};

/**
 * The two ways into validation: as sent (the fast path takes it) or with a URL padded with
 * spaces, which only zod trims (so the fast path hands it over); both must give the same answer.
 */
const paths = [
  ['the fast validator', (e: Event) => e],
  ['zod', (e: Event) => ({ ...e, url: ` ${String(e.url ?? 'https://example.org/x')} ` })],
] as const;

/** One native type's versions and what a user sees of each. */
interface Case {
  type: string;
  /** Versions 1, 2 and 3 of one event, by `updatedAt` T1 < T2 < T3; `id` makes them distinct per run. */
  versions: (id: string) => [Event, Event, Event];
  /** What a user sees of the event (a field of its list row). */
  seen: (id: string) => Promise<unknown>;
  /** What `seen` gives for each version. */
  shows: [unknown, unknown, unknown];
}

const service = 'acme/updated';
const cases: Case[] = [
  {
    type: 'incident',
    versions: (id) => [
      { type: 'incident', id, service, openedAt: T1, url: 'https://example.org/i', updatedAt: T1 },
      { type: 'incident', id, service, openedAt: T1, resolvedAt: T2, url: 'https://example.org/i', updatedAt: T2 },
      { type: 'incident', id, service, openedAt: T1, severity: 'sev1', url: 'https://example.org/i', updatedAt: T3 },
    ],
    seen: async (id) => {
      const i = await list('incidents', id);
      return i && { resolvedAt: i.resolvedAt, severity: i.severity };
    },
    shows: [
      { resolvedAt: null, severity: null },
      { resolvedAt: '2026-03-02T11:00:00.000Z', severity: null },
      { resolvedAt: null, severity: 'sev1' },
    ],
  },
  {
    type: 'deployment',
    versions: (id) => [
      { type: 'deployment', id, service, environment: 'production', status: 'in_progress', startedAt: T1, updatedAt: T1 },
      { type: 'deployment', id, service, environment: 'production', status: 'success', startedAt: T1, finishedAt: T2, updatedAt: T2 },
      { type: 'deployment', id, service, environment: 'production', status: 'failure', startedAt: T1, finishedAt: T3, updatedAt: T3 },
    ],
    seen: async (id) => (await list('deployments', id))?.status,
    shows: ['in_progress', 'success', 'failure'],
  },
  {
    type: 'ci_run',
    versions: (id) => [
      { type: 'ci_run', id, service, name: 'build', status: 'failure', startedAt: T1, finishedAt: T1, updatedAt: T1 },
      { type: 'ci_run', id, service, name: 'build', status: 'success', startedAt: T1, finishedAt: T2, updatedAt: T2 },
      { type: 'ci_run', id, service, name: 'build', status: 'cancelled', startedAt: T1, finishedAt: T3, updatedAt: T3 },
    ],
    seen: async (id) => (await list('ci-runs', id))?.status,
    shows: ['failure', 'success', 'cancelled'],
  },
  {
    // A change shows in the changes list once a production deployment shipped it; its pull request is what moves.
    type: 'change',
    versions: (id) => {
      const sha = Buffer.from(id).toString('hex').padEnd(40, '0').slice(0, 40);
      const v = (n: number, at: string) => ({
        type: 'change',
        service,
        sha,
        committedAt: T1,
        pullRequest: { number: n, mergedAt: T1 },
        url: 'https://example.org/c',
        updatedAt: at,
      });
      return [v(1, T1), v(2, T2), v(3, T3)];
    },
    seen: async (id) => {
      const sha = Buffer.from(id).toString('hex').padEnd(40, '0').slice(0, 40);
      const r = await get(`${s.url}/api/v1/changes?${WINDOW}&limit=5000`);
      return (r.body.items as { sha: string; pullRequest: { number: number } | null }[]).find((c) => c.sha === sha)?.pullRequest?.number;
    },
    shows: [1, 2, 3],
  },
];

/** Ships a change's sha to production, so the changes list shows it. */
async function ship(versions: Event[], id: string) {
  if (versions[0].type !== 'change') return;
  await send([
    {
      type: 'deployment',
      id: `ship-${id}`,
      service,
      environment: 'production',
      status: 'success',
      sha: versions[0].sha,
      finishedAt: '2026-03-03T00:00:00Z',
    },
  ]);
}

let runs = 0;
describe.each(paths)('updatedAt through %s', (_path, shape) => {
  describe.each(cases)('on a $type', (c) => {
    const fresh = async () => {
      const id = `${c.type}-${++runs}`;
      const versions = c.versions(id).map(shape) as [Event, Event, Event];
      // The case takes the path it names.
      for (const v of versions) expect(fastParse(JSON.parse(JSON.stringify(v))) !== null).toBe(_path === 'the fast validator');
      return { id, versions };
    };

    it('ignores a version older than the stored one, and applies a newer one', async () => {
      const {
        id,
        versions: [v1, v2, v3],
      } = await fresh();
      expect(await send([v2])).toEqual({ accepted: 1, updated: 0, unchanged: 0 });
      await ship([v2], id);
      expect(await c.seen(id)).toEqual(c.shows[1]);
      const events = await storedEvents();
      expect(await send([v1])).toEqual({ accepted: 0, updated: 0, unchanged: 1 });
      expect(await c.seen(id)).toEqual(c.shows[1]);
      expect(await storedEvents()).toBe(events);
      expect(await send([v3])).toEqual({ accepted: 0, updated: 1, unchanged: 0 });
      expect(await c.seen(id)).toEqual(c.shows[2]);
      // In one batch as across batches.
      expect(await send([v1, v2])).toEqual({ accepted: 0, updated: 0, unchanged: 2 });
      expect(await c.seen(id)).toEqual(c.shows[2]);
    });

    it('applies a version without updatedAt, which does not lower the stored time', async () => {
      const {
        id,
        versions: [v1, v2, v3],
      } = await fresh();
      const { updatedAt: _t, ...undated } = v1;
      await send([v2]);
      await ship([v2], id);
      expect(await send([undated])).toEqual({ accepted: 0, updated: 1, unchanged: 0 });
      expect(await c.seen(id)).toEqual(c.shows[0]);
      // Still older than the stored time, T2.
      expect(await send([{ ...v3, updatedAt: T1 }])).toEqual({ accepted: 0, updated: 0, unchanged: 1 });
      expect(await c.seen(id)).toEqual(c.shows[0]);
      // Equal to the stored time: applied.
      expect(await send([v2])).toEqual({ accepted: 0, updated: 1, unchanged: 0 });
      expect(await c.seen(id)).toEqual(c.shows[1]);
      expect(await send([v3])).toEqual({ accepted: 0, updated: 1, unchanged: 0 });
    });

    it('counts a version that differs only in updatedAt as unchanged, but a version from in between is then older', async () => {
      const {
        id,
        versions: [v1, v2, v3],
      } = await fresh();
      await send([v1]);
      await ship([v1], id);
      expect(await send([{ ...v1, updatedAt: T4 }])).toEqual({ accepted: 0, updated: 0, unchanged: 1 });
      expect(await send([v2, v3])).toEqual({ accepted: 0, updated: 0, unchanged: 2 });
      expect(await c.seen(id)).toEqual(c.shows[0]);
    });

    it('reaches the newest version whatever the order of arrival', async () => {
      const orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
      ];
      for (const order of orders) {
        const { id, versions } = await fresh();
        for (const i of order) await send([versions[i]]);
        await ship(versions, id);
        expect(await c.seen(id), `order ${order.join(',')}`).toEqual(c.shows[2]);
      }
      // And in one batch.
      const { id, versions } = await fresh();
      await send([versions[2], versions[0], versions[1]]);
      await ship(versions, id);
      expect(await c.seen(id)).toEqual(c.shows[2]);
    });
  });
});

describe('updatedAt', () => {
  it('is refused when it is not a timestamp with a zone, naming the field', async () => {
    const r = await post(`${s.url}/api/v1/events`, { type: 'incident', id: 'x', service, openedAt: T1, updatedAt: '2026-03-02 10:00' });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([
      { path: '(body).updatedAt', message: expect.stringMatching(/ISO 8601 timestamp with a time zone/) },
    ]);
  });
});
