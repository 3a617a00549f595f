/**
 * `npx deming migrate-to-postgres` in a child process: a SQLite database holding the demo (events
 * in every version, loops and their audit trail) copied into an empty PostgreSQL database with a
 * progress report, every scope's figures checked equal, row for row the same tables; a target
 * that is not empty is refused and left as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore } from '../../db/store';
import { validateEvents } from '../../common/validate-events';
import { teamResolver } from '../../common/org';
import { generateDemo } from '../../collectors/demo/generate';
import { runCli } from '../helpers/process';
import { adminQuery, testDatabase } from '../helpers/postgres';
import { PRODUCTION } from '../helpers/db';

const dir = mkdtempSync(join(tmpdir(), 'deming-topg-'));
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const d of drops) await d();
  rmSync(dir, { recursive: true, force: true });
});

describe('npx deming migrate-to-postgres', () => {
  it('copies the demo into an empty PostgreSQL database and finds every scope’s figures equal; a second copy is refused', async () => {
    const file = join(dir, 'deming.db');
    const now = Date.now();
    const demo = generateDemo({ now, seed: 7 });
    const sqlite = openStore(file);
    const events = validateEvents(demo.events.slice(0, 3000));
    await sqlite.seedDemo(
      demo.organisation,
      events,
      { production: PRODUCTION, now, resolveTeam: teamResolver(demo.organisation), defaultSource: 'demo' },
      demo.loops,
    );
    // ServiceNow's change requests (SQLite migration 014, PostgreSQL 002), as its collector stores them.
    const cr = {
      source: 'servicenow',
      requestedAt: now - 9e6,
      plannedStartAt: null,
      plannedEndAt: null,
      workStartedAt: null,
      workEndedAt: null,
    };
    await sqlite.ingestBatch([], {
      production: PRODUCTION,
      now,
      resolveTeam: teamResolver(demo.organisation),
      alsoStore: {
        changeRequests: {
          items: [
            { ...cr, number: 'CHG0001', approval: 'approved', approvalSetAt: now - 5e6, updatedAt: now - 5e6 },
            { ...cr, number: 'CHG0002', approval: 'requested', approvalSetAt: null, updatedAt: now - 4e6 },
          ],
          receivedAt: now,
        },
      },
    });
    await sqlite.close();
    const db = await testDatabase();
    drops.push(db.drop);

    const r = await runCli(['migrate-to-postgres', '--from', file], { DEMING_DATABASE_URL: db.url });
    expect(r.stderr).toMatch(/copy \[#+-*\]\s+\d+%/);
    expect(r.stderr).toMatch(/Copied [\d,]+ rows of \d+ tables from .*deming\.db to postgres@127\.0\.0\.1:\d+\/deming_\w+ in [\d.]+ s\./);
    expect(r.stdout).toMatch(/Checked \d+ scopes/);
    expect(r.stdout).toContain("Every scope's figures are equal");
    expect(r.code).toBe(0);

    const source = new Database(file, { readonly: true });
    for (const table of [
      'raw_events',
      'deployments',
      'changes',
      'incidents',
      'services',
      'teams',
      'departments',
      'loops',
      'loop_audit',
      'settings',
      'change_requests',
    ]) {
      const want = (source.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      const { rows } = await adminQuery(db.url, `SELECT count(*)::int AS n FROM ${table}`);
      expect({ table, n: rows[0].n }).toEqual({ table, n: want });
    }
    expect((source.prepare('SELECT count(*) AS n FROM change_requests').get() as { n: number }).n).toBe(2);
    // SQLite's own start-up state (service_versions, migration 015) has rows, and stays behind: PostgreSQL builds it from the database.
    expect((source.prepare('SELECT count(*) AS n FROM service_versions').get() as { n: number }).n).toBeGreaterThan(0);
    expect((await adminQuery(db.url, "SELECT to_regclass('service_versions')::text AS t")).rows[0].t).toBeNull();
    const ids = (source.prepare('SELECT max(id) AS m FROM raw_events').get() as { m: number }).m;
    source.close();
    // The identity moved past the copied ids: the next event gets a fresh one.
    const { rows } = await adminQuery(db.url, "SELECT nextval(pg_get_serial_sequence('raw_events', 'id'))::int AS next");
    expect(rows[0].next).toBe(ids + 1);

    const again = await runCli(['migrate-to-postgres', '--from', file], { DEMING_DATABASE_URL: db.url });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/the PostgreSQL database is not empty \(table \w+ has rows\)/);
  });

  it('names what is missing: the target URL, or the SQLite file', async () => {
    const noTarget = await runCli(['migrate-to-postgres', '--from', join(dir, 'none.db')], {});
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('set DEMING_DATABASE_URL (or database.url) to the empty PostgreSQL database to copy into');
    const db = await testDatabase();
    drops.push(db.drop);
    const noFile = await runCli(['migrate-to-postgres', '--from', join(dir, 'none.db')], { DEMING_DATABASE_URL: db.url });
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/There is no SQLite database at .*none\.db/);
  });
});
