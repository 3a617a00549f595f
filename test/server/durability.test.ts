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

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'deming-durable-')), 'deming.db');

describe('the database file', () => {
  it('refuses to start on a corrupt file, saying how to recover', async () => {
    const file = tempFile();
    const db = openDatabase(file);
    ingest(db, scenarioEvents());
    db.pragma('wal_checkpoint(TRUNCATE)');
    const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'raw_events'").get() as { rootpage: number };
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    // Scribble over the header of the raw event log's root page, as a failing disk might.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(16, 0xab), 0, 16, (rootpage - 1) * pageSize);
    closeSync(fd);
    const r = await runCli(['start'], { DEMING_DB: file, PORT: '0', DEMING_DEMO: 'off' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/failed SQLite's quick_check/);
    expect(r.stderr).toMatch(/restore the latest backup/);
    // With the check turned off (for a file too large to read at every start), it opens.
    expect(loadConfig({ DEMING_DB: file, DEMING_INTEGRITY_CHECK: 'off' }).integrityCheck).toBe('off');
    openDatabase(file, { check: 'off' }).close();
    expect(() => loadConfig({ DEMING_DB: file, DEMING_INTEGRITY_CHECK: 'skip' })).toThrow('DEMING_INTEGRITY_CHECK: expected quick, full or off, got "skip".');
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
    const count = (d: Database.Database) => d.prepare('SELECT (SELECT count(*) FROM deployments) + (SELECT count(*) FROM changes) AS n').get();
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
    const post = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scenarioEvents()) });
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
