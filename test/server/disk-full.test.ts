/**
 * A full disk, made with SQLite's `max_page_count` on the running server's own connection (so
 * the test runs everywhere): every write route answers 507 with what to do and stores nothing,
 * a group commit is refused whole, health shows it, and once there is room again the next
 * write is stored and health says ok.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEvents } from '../../common/validate-events';
import { signature } from '../fakes/github/deliveries';
import { conformance } from '../collectors/cdevents/spec';
import { get, post, startTestServer } from '../helpers/server';
import { deployment, incident } from '../helpers/factories';
import { PRODUCTION } from '../helpers/db';
import type { SqliteStore } from '../../db/store';

const SECRET = 'a webhook secret';
const TOKENS = {
  DEMING_INGEST_TOKEN: 'ingest-token-0123456789',
  DEMING_EDITOR_TOKEN: 'editor-token-0123456789',
  DEMING_VIEWER_TOKEN: 'viewer-token-0123456789',
};
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const ingest = as(TOKENS.DEMING_INGEST_TOKEN);

let s: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  s = await startTestServer({ ...TOKENS, DEMING_GITHUB_WEBHOOK_SECRET: SECRET });
  expect(
    (await post(`${s.url}/api/v1/events`, [deployment({ service: 'acme/web' }), incident({ service: 'acme/web' })], ingest)).status,
  ).toBe(200);
});
afterEach(async () => {
  await s.stop();
});

/** The server's own connection: `max_page_count` holds per connection. */
const own = () => (s.store as SqliteStore).connection;
/** The disk is full: the database may not grow by more than `pages` pages. */
const fill = (pages = 0) => {
  own().pragma(`max_page_count = ${(own().pragma('page_count', { simple: true }) as number) + pages}`);
};
/** Space was freed. */
const free = () => {
  own().pragma('max_page_count = 1073741823');
};
const count = (table: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const health = async () => get(`${s.url}/api/v1/health`);

/** A batch too large to fit in what room is left. */
const bigBatch = (tag: string) =>
  Array.from({ length: 400 }, (_, i) => incident({ id: `${tag}-${i}`, service: 'acme/web', title: `${tag} ${'x'.repeat(400)}` }));

function expectDiskFull(r: { status: number; body: any }) {
  expect(r.status, JSON.stringify(r.body)).toBe(507);
  expect(r.body.error.code).toBe('disk_full');
  expect(r.body.error.message).toMatch(/disk .* is full/);
  expect(r.body.error.message).toMatch(/Free space on it/);
}

/**
 * Sends writes, each different, as a busy client would, until one no longer fits: that one
 * answers 507 and leaves `stored` as it was. Returns how many fitted before it.
 */
async function untilFull(send: (i: number) => Promise<{ status: number; body: any }>, stored: () => number): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const before = stored();
    const r = await send(i);
    if (r.status < 300) {
      expect(stored()).toBeGreaterThan(before);
      continue;
    }
    expectDiskFull(r);
    expect(stored()).toBe(before);
    return i;
  }
  throw new Error('the database never filled up');
}

describe('a full disk', () => {
  it('answers 507 on every write route, stores nothing of the refused write, and shows in health until a write is stored again', async () => {
    expect((await health()).body).toMatchObject({ status: 'ok', database: { ok: true, writable: true } });
    fill();

    // Events: the batch that does not fit is refused whole.
    const events = count('raw_events');
    expectDiskFull(await post(`${s.url}/api/v1/events`, bigBatch('full'), ingest));
    expect(count('raw_events')).toBe(events);
    expect(count('incidents')).toBe(1);
    const h = await health();
    expect(h.status).toBe(200);
    expect(h.body.status).toBe('degraded');
    expect(h.body.database).toMatchObject({
      ok: true,
      writable: false,
      error: expect.stringMatching(/^disk full since \d{4}-\d\d-\d\dT.*Free space on it/),
    });
    // Reads still work.
    expect((await get(`${s.url}/api/v1/incidents?from=2026-03-01&to=2026-03-10`, as(TOKENS.DEMING_VIEWER_TOKEN))).body.items).toHaveLength(
      1,
    );

    // CDEvents, test reports and webhooks store events too.
    const cdevent = conformance('v0.5.1', 'incident_detected') as {
      context: Record<string, unknown>;
      subject: { content: Record<string, unknown> };
    };
    await untilFull(
      (i) =>
        post(
          `${s.url}/api/v1/cdevents`,
          {
            ...cdevent,
            context: { ...cdevent.context, id: `ce-${i}` },
            subject: {
              ...cdevent.subject,
              id: `incident-${i}`,
              content: { ...cdevent.subject.content, environment: { id: 'production' } },
            },
          },
          ingest,
        ),
      () => count('raw_events'),
    );
    const report = readFileSync(new URL('../fixtures/junit/pytest.xml', import.meta.url), 'utf8');
    await untilFull(
      (i) =>
        post(`${s.url}/api/v1/test-reports?service=acme/web&sha=${'a'.repeat(39)}${i % 10}&name=unit-${i}`, report, {
          ...ingest,
          'content-type': 'application/xml',
        }),
      () => count('raw_events'),
    );
    await untilFull(
      (i) => {
        const body = JSON.stringify({
          action: 'completed',
          repository: { full_name: 'acme/web', html_url: 'https://github.com/acme/web', default_branch: 'main' },
          workflow_run: {
            id: 9000 + i,
            name: 'build',
            path: '.github/workflows/build.yml',
            head_branch: 'main',
            head_sha: 'b'.repeat(40),
            status: 'completed',
            conclusion: 'success',
            html_url: `https://github.com/acme/web/actions/runs/${9000 + i}`,
            created_at: '2026-03-03T10:00:00Z',
            updated_at: '2026-03-03T10:05:00Z',
            run_started_at: '2026-03-03T10:00:00Z',
          },
        });
        return post(`${s.url}/webhooks/github`, body, {
          'x-github-event': 'workflow_run',
          'x-github-delivery': `delivery-${i}`,
          'x-hub-signature-256': signature(SECRET, body),
        });
      },
      () => count('raw_events'),
    );

    // Loops and sessions are written outside the ingest path.
    const editor = as(TOKENS.DEMING_EDITOR_TOKEN);
    await untilFull(
      (i) =>
        post(
          `${s.url}/api/v1/loops`,
          {
            scope: 'service:acme/web',
            name: `Loop ${i} ${'y'.repeat(150)}`,
            from: new Date(Date.UTC(2025, 0, 6 + 7 * i)).toISOString().slice(0, 10),
            to: new Date(Date.UTC(2025, 0, 13 + 7 * i)).toISOString().slice(0, 10),
            plan: { metric: 'leadTime', target: 1, unit: 'days', hypothesis: 'z'.repeat(300) },
          },
          editor,
        ),
      () => count('loops'),
    );
    await untilFull(
      () => post(`${s.url}/api/v1/session`, { token: TOKENS.DEMING_VIEWER_TOKEN }),
      () => count('sessions'),
    );
    expect((await health()).body.status).toBe('degraded');

    // Space freed: the next write is stored, and health says ok again.
    free();
    expect((await post(`${s.url}/api/v1/events`, bigBatch('later'), ingest)).status).toBe(200);
    expect(count('incidents')).toBeGreaterThanOrEqual(401);
    expect((await health()).body).toMatchObject({ status: 'ok', database: { ok: true, writable: true } });
    expect((await health()).body.database.error).toBeUndefined();
  });

  it('refuses a whole group commit when one of its batches does not fit, and the queue goes on once there is room', async () => {
    const queue = s.ctx.ingestQueue!;
    const opts = { production: PRODUCTION, resolveTeam: () => null };
    // Room for a small batch, not for a large one. Batches submitted in one turn share a transaction.
    fill(6);
    const before = count('raw_events');
    const small = () => validateEvents([deployment({ service: 'acme/web' })]);
    const group = await Promise.allSettled([
      queue.submit(small(), opts),
      queue.submit(validateEvents(bigBatch('group')), opts),
      queue.submit(small(), opts),
    ]);
    // Nothing of the group is stored, and none of it is acknowledged: SQLite rolled the transaction back.
    expect(group.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(group.map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['SQLITE_FULL', 'SQLITE_FULL', 'SQLITE_FULL']);
    expect(count('raw_events')).toBe(before);
    // Over HTTP, requests sent together each get the 507.
    const together = await Promise.all([0, 1, 2].map((i) => post(`${s.url}/api/v1/events`, bigBatch(`http-${i}`), ingest)));
    together.forEach(expectDiskFull);
    expect(count('raw_events')).toBe(before);

    free();
    const after = await Promise.allSettled([
      queue.submit(small(), opts),
      queue.submit(validateEvents(bigBatch('group')), opts),
      queue.submit(small(), opts),
    ]);
    expect(after.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(count('raw_events')).toBe(before + 402);
    expect((await health()).body.status).toBe('ok');
  });
});
