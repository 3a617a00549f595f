import { mkdtempSync, openSync, writeSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase } from '../../db/connection';
import { loadConfig } from '../../server/config';
import { ingest } from '../helpers/db';
import { scenarioEvents } from '../helpers/scenario';
import { runCli, spawnServer } from '../helpers/process';
import { get, post, startTestServer } from '../helpers/server';
import { incident } from '../helpers/factories';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'deming-durable-')), 'deming.db');

/**
 * A database with the scenario in it, then damaged as a failing disk might: 16 bytes scribbled
 * over the header of the raw event log's root page, or over the file's own header.
 */
function damagedFile(where: 'raw_events' | 'header'): string {
  const file = tempFile();
  const db = openDatabase(file);
  ingest(db, scenarioEvents());
  db.pragma('wal_checkpoint(TRUNCATE)');
  const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'raw_events'").get() as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(16, 0xab), 0, 16, where === 'header' ? 0 : (rootpage - 1) * pageSize);
  closeSync(fd);
  return file;
}

/** A Node stack trace's frames, which an operator should never be shown for a known fault. */
const STACK = /^\s+at /m;

describe('the database file', () => {
  it('refuses to start on a corrupt file, saying how to recover', async () => {
    const file = damagedFile('raw_events');
    const r = await runCli(['start'], { DEMING_DB: file, PORT: '0', DEMING_DEMO: 'off' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/failed SQLite's quick_check/);
    expect(r.stderr).toMatch(/restore the latest backup/);
    // With the check turned off (for a file too large to read at every start), it opens.
    expect(loadConfig({ DEMING_DB: file, DEMING_INTEGRITY_CHECK: 'off' }).integrityCheck).toBe('off');
    openDatabase(file, { check: 'off' }).close();
    expect(() => loadConfig({ DEMING_DB: file, DEMING_INTEGRITY_CHECK: 'skip' })).toThrow(
      'DEMING_INTEGRITY_CHECK: expected quick, full or off, got "skip".',
    );
  });

  it('with the check off, refuses to start on a file that is not a database with the same advice, and no stack trace', async () => {
    const file = damagedFile('header');
    for (const check of ['quick', 'off']) {
      const r = await runCli(['start'], { DEMING_DB: file, PORT: '0', DEMING_DEMO: 'off', DEMING_INTEGRITY_CHECK: check });
      expect(r.code, check).toBe(2);
      expect(r.stderr, check).toMatch(
        check === 'off'
          ? /^Deming cannot start: .*deming\.db is damaged \(SQLite: file is not a database\)/m
          : /failed SQLite's quick_check/,
      );
      expect(r.stderr, check).toMatch(/Stop writing to it, and restore the latest backup \(made with `npx deming backup`\)/);
      expect(r.stderr, check).not.toMatch(STACK);
    }
    // The CLI's other commands say the same.
    const backup = await runCli(['backup', join(tmpdir(), 'never.db')], { DEMING_DB: file, DEMING_INTEGRITY_CHECK: 'off' });
    expect(backup.code).toBe(2);
    expect(backup.stderr).toMatch(
      /^deming backup: .*is damaged \(SQLite: file is not a database\)\. Stop writing to it, and restore the latest backup/,
    );
    expect(backup.stderr).not.toMatch(STACK);
  });

  it('with the check off, answers damage found later with database_damaged, in health too, and the CLI says what to do', async () => {
    const file = damagedFile('raw_events');
    const s = await startTestServer({ DEMING_DB: file, DEMING_INTEGRITY_CHECK: 'off' });
    try {
      const h = await get(`${s.url}/api/v1/health`);
      expect(h.status).toBe(503);
      expect(h.body).toMatchObject({ status: 'error', database: { ok: false, writable: false } });
      expect(h.body.database.error).toMatch(
        /^damaged since \d{4}-.*is damaged \(SQLite: database disk image is malformed\)\. Stop writing to it, and restore the latest backup/,
      );
      // A write that reaches the damaged page: a clear 503, not an internal error.
      const r = await post(`${s.url}/api/v1/events`, [incident({ id: 'after-damage', service: 'acme/app' })]);
      expect(r.status).toBe(503);
      expect(r.body.error).toMatchObject({
        code: 'database_damaged',
        message: expect.stringMatching(/restore the latest backup \(made with `npx deming backup`\)/),
      });
    } finally {
      await s.stop();
    }
    const exported = await runCli(['export', '--format', 'ndjson'], { DEMING_DB: file, DEMING_INTEGRITY_CHECK: 'off' });
    expect(exported.code).toBe(2);
    expect(exported.stderr).toMatch(
      /^deming export: Deming's database file is damaged \(SQLite: database disk image is malformed\)\. Stop writing to it, and restore the latest backup/,
    );
    expect(exported.stderr).not.toMatch(STACK);
  });

  it('backs up a live database with `deming backup`', async () => {
    const file = tempFile();
    const db = openDatabase(file);
    ingest(db, scenarioEvents());
    const target = join(mkdtempSync(join(tmpdir(), 'deming-backup-')), 'copy.db');
    const r = await runCli(['backup', target], { DEMING_DB: file });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Backed up/);
    const copy = new Database(target, { readonly: true });
    const count = (d: Database.Database) =>
      d.prepare('SELECT (SELECT count(*) FROM deployments) + (SELECT count(*) FROM changes) AS n').get();
    expect(count(copy)).toEqual(count(db));
    copy.close();
    db.close();
    expect((await runCli(['backup', target], { DEMING_DB: file })).code).toBe(2);
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM finishes, closes the database cleanly and exits 0', async () => {
    const file = tempFile();
    const server = await spawnServer({ DEMING_DB: file });
    const post = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(scenarioEvents()),
    });
    expect(post.status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: finishing requests and closing the database/);
    // A clean close checkpoints the write-ahead log away.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const db = openDatabase(file, { check: 'full' });
    expect((db.prepare('SELECT count(*) AS n FROM deployments').get() as { n: number }).n).toBe(10);
    db.close();
  });
});
