import { mkdtempSync, openSync, writeSync, closeSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase } from '../../db/connection';
import { openStore } from '../../db/store';
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
function damagedFile(where: 'raw_events' | 'webhook_deliveries' | 'header'): string {
  const file = tempFile();
  const db = openDatabase(file);
  ingest(db, scenarioEvents());
  db.pragma('wal_checkpoint(TRUNCATE)');
  const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(where === 'header' ? 'raw_events' : where) as {
    rootpage: number;
  };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(16, 0xab), 0, 16, where === 'header' ? 0 : (rootpage - 1) * pageSize);
  closeSync(fd);
  return file;
}

/** Waits for the integrity check beside the server at `url` to answer; its state. */
async function checked(url: string): Promise<string> {
  await expect.poll(async () => (await get(`${url}/api/v1/health`)).body.database.check.state, { timeout: 20_000 }).not.toBe('running');
  return (await get(`${url}/api/v1/health`)).body.database.check.state;
}

/** A Node stack trace's frames, which an operator should never be shown for a known fault. */
const STACK = /^\s+at /m;

describe('the database file', () => {
  it('starts on a damaged file at once, and the check beside it finds the damage: health says what to do, writes are refused', async () => {
    // Damage on a page nothing reads at start or when an incident is stored: only the check can find it.
    const file = damagedFile('webhook_deliveries');
    const logged: string[] = [];
    const s = await startTestServer({ DEMING_DB: file }, undefined, (m) => logged.push(m));
    try {
      await checked(s.url);
      const h = await get(`${s.url}/api/v1/health`);
      expect(h.status).toBe(503);
      expect(h.body.database).toMatchObject({
        ok: false,
        writable: false,
        check: { mode: 'quick', state: 'damaged', startedAt: expect.any(String), finishedAt: expect.any(String) },
      });
      expect(h.body.database.error).toMatch(
        /^damaged since \d{4}-.*is damaged \(SQLite: quick_check found: .+\)\. Stop writing to it, and restore the latest backup/,
      );
      expect(logged.join('\n')).toMatch(/quick_check found damage in .*deming\.db .*writes are refused from now on/);
      // A write that would not touch the damaged page is refused all the same, with the same advice.
      const r = await post(`${s.url}/api/v1/events`, [incident({ id: 'after-check', service: 'acme/app' })]);
      expect(r.status).toBe(503);
      expect(r.body.error).toMatchObject({ code: 'database_damaged', message: expect.stringMatching(/restore the latest backup/) });
      expect((s.db.prepare("SELECT count(*) AS n FROM raw_events WHERE payload LIKE '%after-check%'").get() as { n: number }).n).toBe(0);
    } finally {
      await s.stop();
    }
    // The commands still check before they open: backup refuses to copy a damaged file.
    const backup = await runCli(['backup', join(tmpdir(), 'never.db')], { DEMING_DB: file });
    expect(backup.code).toBe(2);
    expect(backup.stderr).toMatch(/failed SQLite's quick_check [^]*restore the latest backup/);
    // With the check turned off, nothing is checked (for a file too large to read at every start).
    expect(loadConfig({ DEMING_DB: file, DEMING_INTEGRITY_CHECK: 'off' }).integrityCheck).toBe('off');
    const off = await startTestServer({ DEMING_DB: file, DEMING_INTEGRITY_CHECK: 'off' });
    try {
      const h = await get(`${off.url}/api/v1/health`);
      expect(h.body.database).toMatchObject({ ok: true, writable: true, check: { mode: 'off', state: 'off' } });
    } finally {
      await off.stop();
    }
    expect(() => loadConfig({ DEMING_DB: file, DEMING_INTEGRITY_CHECK: 'skip' })).toThrow(
      'DEMING_INTEGRITY_CHECK: expected quick, full or off, got "skip".',
    );
  });

  it('checks an intact file beside the server and says so in health, full when asked', async () => {
    for (const check of ['quick', 'full'] as const) {
      const file = tempFile();
      const db = openDatabase(file);
      ingest(db, scenarioEvents());
      db.close();
      const s = await startTestServer({ DEMING_DB: file, DEMING_INTEGRITY_CHECK: check });
      try {
        await checked(s.url);
        const h = await get(`${s.url}/api/v1/health`);
        expect(h.status, check).toBe(200);
        expect(h.body.database, check).toMatchObject({ ok: true, writable: true, check: { mode: check, state: 'ok' } });
      } finally {
        await s.stop();
      }
    }
  });

  it('refuses to start on a file that is not a database, with the check on or off, with the same advice, and no stack trace', async () => {
    const file = damagedFile('header');
    for (const check of ['quick', 'off']) {
      const r = await runCli(['start'], { DEMING_DB: file, PORT: '0', DEMING_DEMO: 'off', DEMING_INTEGRITY_CHECK: check });
      expect(r.code, check).toBe(2);
      // The check runs beside the server, but a file that is not a database cannot even be opened.
      expect(r.stderr, check).toMatch(/^Deming cannot start: .*deming\.db is damaged \(SQLite: file is not a database\)/m);
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
    // A close while the integrity check still reads the file leaves the write-ahead log to the next open.
    expect(await checked(server.url)).toBe('ok');
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

describe('closing right after opening', () => {
  it('leaves nothing behind: the check beside the store has finished with the file before the close returns', async () => {
    // A server stopped moments after its start (a test, a failed start) used to return from its
    // close while the check's thread was still opening the file, so that thread re-created the
    // write-ahead log files afterwards, and removing the folder failed with ENOTEMPTY.
    for (let i = 0; i < 10; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'deming-close-'));
      const store = openStore(join(dir, 'deming.db'), { checkInBackground: true, log: () => {} });
      await store.close();
      // (Time for a thread still starting to reach the file, as it did.)
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(readdirSync(dir)).toEqual(['deming.db']);
      rmSync(dir, { recursive: true });
    }
  });
});
