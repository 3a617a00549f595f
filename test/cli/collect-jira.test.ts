/**
 * `npx deming collect jira` as a user runs it, in a separate process, against the fake Jira Cloud
 * API on loopback: credentials from JIRA_EMAIL and JIRA_TOKEN, the summary of what was kept, and
 * a clear exit 2 naming what to set when the token is missing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJira, type FakeJira } from '../fakes/jira/server';
import { restIssue, type Story } from '../fakes/jira/fixtures';

const bin = new URL('../../bin/deming.js', import.meta.url).pathname;
const EMAIL = 'reader@example.gov';
const TOKEN = 'ATATT3x-cli-token-0123456789';

const stories: Story[] = [
  {
    id: '1',
    key: 'OPS-1',
    component: 'Booking',
    summary: 'Down',
    priority: 'High',
    createdAt: '2026-03-02T10:00:00Z',
    resolvedAt: '2026-03-02T11:00:00Z',
  },
  { id: '2', key: 'OPS-2', component: 'Payroll', summary: 'Slow', priority: 'High', createdAt: '2026-03-03T10:00:00Z' },
  { id: '3', key: 'OPS-3', component: 'Booking', summary: 'Typo', priority: 'Lowest', createdAt: '2026-03-04T10:00:00Z' },
];

let dir = '';
let fake: FakeJira;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deming-cli-jira-'));
  fake = await startFakeJira({
    edition: 'cloud',
    token: TOKEN,
    email: EMAIL,
    siteZone: 'Europe/London',
    accountZone: 'Europe/London',
    issues: stories.map(restIssue),
  });
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function deming(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, DEMING_DEMO: 'off', ...env }, cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('npx deming collect jira', () => {
  it('pulls with the credentials of JIRA_EMAIL and JIRA_TOKEN and says what was kept; without a token it exits 2 naming it', async () => {
    const config = join(dir, 'deming.config.yaml');
    writeFileSync(
      config,
      `incidents:\n  jira:\n    baseUrl: ${fake.url}\n    edition: cloud\n    since: 2026-03-01\n    services: [{when: {component: Booking}, service: health/booking}]\n`,
    );
    const db = join(dir, 'deming.db');
    const run = await deming(['collect', 'jira', '--config', config], { DEMING_DB: db, JIRA_EMAIL: EMAIL, JIRA_TOKEN: TOKEN });
    expect(run.stdout).toMatch(/Collected Jira in [\d.]+ s: 2 requests, 1 incident stored\./);
    expect(run.stdout).toContain('Jira incidents kept: 1 counted, 1 unmapped (GET /api/v1/incidents/unmapped), 1 skipped');
    expect(run.code).toBe(0);

    const missing = await deming(['collect', 'jira', '--config', config], { DEMING_DB: db, JIRA_EMAIL: EMAIL, JIRA_TOKEN: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/incidents\.jira has no API token: set JIRA_TOKEN/);
  });
});

describe('npx deming collect <incident source> --help, and a wrong key', () => {
  it('says what each source reads, what to set and the least permissions, and a bad value names its key and the fix', async () => {
    const jira = await deming(['collect', 'jira', '--help'], {});
    expect(jira.code).toBe(0);
    expect(jira.stdout).toMatch(/^Usage: npx deming collect jira \[--config deming\.config\.yaml\]/);
    expect(jira.stdout).toMatch(/JIRA_TOKEN/);
    expect(jira.stdout).toMatch(/Browse projects/);
    const sn = await deming(['collect', 'servicenow', '--help'], {});
    expect(sn.stdout).toMatch(/^Usage: npx deming collect servicenow/);
    expect(sn.stdout).toMatch(/sn_incident_read/);
    expect(sn.stdout).not.toMatch(/GitHub/);
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, `incidents:\n  jira:\n    baseUrl: ${fake.url}\n    listEvery: sometimes\n`);
    const bad = await deming(['collect', 'jira', '--config', config], { DEMING_DB: join(dir, 'bad.db') });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/incidents\.jira\.listEvery: expected a duration such as 30s, 15m, 1h or off/);
  });
});
