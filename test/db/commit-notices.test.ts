import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommitNotice } from '../../db/commit-feed';
import { COMMIT_CHANNEL, commitPayloads, notifyCommit, parseCommitPayload } from '../../db/postgres/commits';
import { testDatabase } from '../helpers/postgres';

/** The commit notices between instances on one real PostgreSQL (db/postgres/commits.ts). */
describe('commit notices', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let listener: pg.Client;
  let pool: pg.Pool;
  let writer: pg.PoolClient;
  const heard: CommitNotice[] = [];
  beforeAll(async () => {
    db = await testDatabase();
    listener = new pg.Client({ connectionString: db.url });
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
    await listener.connect();
    writer = await pool.connect();
    listener.on('notification', (m) => {
      const n = parseCommitPayload(m.payload);
      if (n) heard.push(n);
    });
    await listener.query(`LISTEN ${COMMIT_CHANNEL}`);
  });
  afterAll(async () => {
    await listener?.end();
    writer?.release();
    await pool?.end();
    await db?.drop();
  });

  const settle = async (n: number) => {
    for (let i = 0; i < 250 && heard.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
  };

  it('tells a batch of 3,000 services in parts PostgreSQL accepts, whole once they are put together, only when it commits', async () => {
    const services = Array.from({ length: 3000 }, (_, i) => `department-${i % 20}/a-service-with-a-long-name-${i}`);
    const told = {
      at: 1_700_000_000_000,
      serviceIds: services.map((_, i) => i + 1),
      services,
      counts: services.map((service, i) => ({ type: 'deployment', service, n: i + 1 })),
      scopes: ['team:t1'],
      organisation: false,
    };
    // Rolled back: nothing is heard.
    await writer.query('BEGIN');
    await notifyCommit(writer, 'instance-a', told);
    await writer.query('ROLLBACK');
    await settle(1);
    expect(heard).toEqual([]);
    // Committed: every part, each under PostgreSQL's 8,000-byte limit (it refuses more).
    await writer.query('BEGIN');
    await notifyCommit(writer, 'instance-a', told);
    await writer.query('COMMIT');
    const parts = commitPayloads('instance-a', told).length;
    expect(parts).toBeGreaterThan(1);
    await settle(parts);
    expect(heard.length).toBe(parts);
    expect(heard.every((n) => n.origin === 'instance-a' && n.at === told.at)).toBe(true);
    expect(heard.flatMap((n) => n.serviceIds)).toEqual(told.serviceIds);
    expect(heard.flatMap((n) => n.services)).toEqual(told.services);
    expect(heard.flatMap((n) => n.counts)).toEqual(told.counts);
    expect(heard.flatMap((n) => n.scopes)).toEqual(['team:t1']);
  });

  it('ignores what another program sends on the channel', () => {
    expect(parseCommitPayload('hello')).toBeNull();
    expect(parseCommitPayload(JSON.stringify({ o: 1, at: 'x' }))).toBeNull();
    expect(parseCommitPayload(undefined)).toBeNull();
  });
});
