/** The database settings (README, "Running on PostgreSQL"): SQLite by default, PostgreSQL from DEMING_DATABASE_URL or database.url. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'deming-cfg-')), 'deming.config.yaml');
  writeFileSync(file, text);
  return file;
}

const URL_ = 'postgres://deming:s3cret@db.example.gov:5432/deming?sslmode=verify-full';

describe('the database settings', () => {
  it('are SQLite by default, and with a database path in the file', () => {
    expect(loadConfig({})).toMatchObject({ dbFile: './data/deming.db', postgres: null });
    expect(loadConfig({ DEMING_CONFIG: configFile('database: ./data/mine.db\n') })).toMatchObject({
      dbFile: './data/mine.db',
      postgres: null,
    });
  });

  it('are PostgreSQL from DEMING_DATABASE_URL, with the CA file and pool size from the environment', () => {
    expect(loadConfig({ DEMING_DATABASE_URL: URL_ }).postgres).toEqual({ url: URL_ });
    expect(
      loadConfig({ DEMING_DATABASE_URL: 'postgresql://x@h/d', DEMING_DATABASE_CA_FILE: '/etc/ssl/ca.pem', DEMING_DATABASE_POOL_SIZE: '25' })
        .postgres,
    ).toEqual({
      url: 'postgresql://x@h/d',
      caFile: '/etc/ssl/ca.pem',
      poolSize: 25,
    });
  });

  it('are PostgreSQL from the file, as a URL or as url, caFile and poolSize, the URL filled from the environment', () => {
    expect(loadConfig({ DEMING_CONFIG: configFile(`database: ${URL_}\n`) }).postgres).toEqual({ url: URL_ });
    const file = configFile('database:\n  url: ${DB_URL}\n  caFile: /etc/ssl/rds.pem\n  poolSize: 40\n');
    expect(loadConfig({ DEMING_CONFIG: file, DB_URL: URL_ }).postgres).toEqual({ url: URL_, caFile: '/etc/ssl/rds.pem', poolSize: 40 });
    // The environment wins.
    expect(
      loadConfig({ DEMING_CONFIG: file, DB_URL: URL_, DEMING_DATABASE_URL: 'postgres://other@h/d', DEMING_DATABASE_POOL_SIZE: '5' })
        .postgres,
    ).toEqual({
      url: 'postgres://other@h/d',
      caFile: '/etc/ssl/rds.pem',
      poolSize: 5,
    });
  });

  it('refuses a DEMING_DATABASE_URL that is not postgres:// or postgresql://, naming its scheme and never its password', () => {
    for (const bad of ['mysql://root:hunter2@db/deming', 'sqlite:./data/deming.db', './data/deming.db']) {
      let message = '';
      try {
        loadConfig({ DEMING_DATABASE_URL: bad });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        message = (e as Error).message;
      }
      expect(message).toMatch(
        /^DEMING_DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL such as postgres:\/\/deming:…@db\.example\.gov/,
      );
      expect(message).toContain('for a SQLite file, unset it and set DEMING_DB');
      expect(message).not.toContain('hunter2');
    }
    expect(() => loadConfig({ DEMING_DATABASE_URL: 'mysql://root:hunter2@db/deming' })).toThrow(/got a mysql: URL/);
  });

  it.each([
    ['database:\n  url: mysql://x@y/z\n', /database\.url: expected a postgres:\/\/ or postgresql:\/\/ URL/],
    ['database:\n  url: postgres://x@y/z\n  poolSize: 0\n', /database\.poolSize: must be at least 1/],
    ['database:\n  url: postgres://x@y/z\n  poolSize: 5000\n', /database\.poolSize: must be at most 1000/],
    ['database:\n  caFile: /etc/ssl/ca.pem\n', /PostgreSQL settings without a database URL: set DEMING_DATABASE_URL \(or database\.url\)/],
    ['database:\n  url: postgres://x@y/z\n  password: x\n', /database: remove or correct "password"/],
  ])('refuses %j with a message naming the key', (text, message) => {
    expect(() => loadConfig({ DEMING_CONFIG: configFile(text) })).toThrow(message);
  });

  it('refuses a pool size in the environment that is not a whole number from 1 to 1000', () => {
    for (const bad of ['0', '-3', '2.5', 'ten', '100000']) {
      expect(() => loadConfig({ DEMING_DATABASE_URL: URL_, DEMING_DATABASE_POOL_SIZE: bad })).toThrow(
        `DEMING_DATABASE_POOL_SIZE: expected a whole number of connections from 1 to 1000, got "${bad}".`,
      );
    }
  });

  it('take how often to try to take over the collectors, from 1s to 10m, and refuse anything else naming the key', () => {
    expect(loadConfig({ DEMING_DATABASE_URL: URL_, DEMING_COLLECTOR_RETRY: '5s' }).postgres).toEqual({ url: URL_, collectorRetryMs: 5000 });
    expect(loadConfig({ DEMING_DATABASE_URL: URL_, DEMING_COLLECTOR_RETRY: '2m' }).postgres?.collectorRetryMs).toBe(120_000);
    for (const bad of ['0s', '500ms', '11m', 'soon', '1h']) {
      expect(() => loadConfig({ DEMING_DATABASE_URL: URL_, DEMING_COLLECTOR_RETRY: bad })).toThrow(
        `DEMING_COLLECTOR_RETRY / database.collectorRetry: expected how often to try to take over the collectors, from 1s to 10m (such as 15s), got "${bad}".`,
      );
    }
  });
});
