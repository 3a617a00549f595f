import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/connection';
import { generateDemo } from '../../collectors/demo/generate';
import { metricsIn } from '../helpers/reads';
import { ingest, tempDb } from '../helpers/db';
import { spawnServer, type ServerProcess } from '../helpers/process';

// Eight kills at random points of the stream already cross every stage of a batch (received, in the
// transaction, committed but unanswered); each costs a server start.
const KILLS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function figures(db: Db, services: string[]) {
  const from = Date.parse('2025-05-01T00:00:00Z'),
    to = Date.parse('2026-11-01T00:00:00Z');
  return Promise.all(['org', ...services.map((s) => `service:${s}`)].map((scope) => metricsIn(db, scope, from, to)));
}

describe('nothing acknowledged is lost', () => {
  it(`keeps every acknowledged event exactly once through ${KILLS} SIGKILLs during a stream of ingests`, async () => {
    const demo = generateDemo({ now: Date.parse('2026-11-01T00:00:00Z'), seed: 3 });
    const services = demo.organisation[0].teams[0].services.slice(0, 2);
    const events = demo.events.filter((e) => services.includes(e.service));
    const batches: (typeof events)[] = [];
    for (let i = 0; i < events.length; i += 8) batches.push(events.slice(i, i + 8));

    const file = join(mkdtempSync(join(tmpdir(), 'deming-crash-')), 'deming.db');
    let server: ServerProcess = await spawnServer({ DEMING_DB: file });
    let ready: Promise<void> = Promise.resolve();
    let acked = 0,
      retries = 0,
      done = false;

    const producer = (async () => {
      for (const batch of batches) {
        for (;;) {
          await ready;
          try {
            const r = await fetch(`${server.url}/api/v1/events`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(batch),
            });
            if (r.status === 200) {
              await r.json();
              acked++;
              break;
            }
          } catch {
            /* the server died under us: retry the same batch */
          }
          retries++;
          await sleep(10);
        }
      }
      done = true;
    })();

    // Seeded, so a failure can be replayed.
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let kills = 0;
    while (kills < KILLS && !done) {
      await sleep(40 + rand() * 160);
      let release!: () => void;
      ready = new Promise((r) => {
        release = r;
      });
      server.child.kill('SIGKILL');
      await server.exited;
      kills++;
      server = await spawnServer({ DEMING_DB: file });
      release();
    }
    await producer;
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    expect(kills).toBe(KILLS);
    expect(acked).toBe(batches.length);
    expect(retries).toBeGreaterThan(0);

    const crashed = openDatabase(file, { check: 'full' });
    const clean = tempDb();
    try {
      // Every event once in the raw log, whatever was retried.
      const perKey = crashed
        .prepare('SELECT count(*) AS n, count(DISTINCT type || source || event_id) AS distinctKeys FROM raw_events')
        .get();
      expect(perKey).toEqual({ n: events.length, distinctKeys: events.length });
      ingest(clean.db, events, demo.organisation);
      expect(await figures(crashed, services)).toEqual(await figures(clean.db, services));
    } finally {
      crashed.close();
      clean.cleanup();
    }
  }, 180_000);
});
