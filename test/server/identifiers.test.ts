/**
 * Identifiers (DESIGN.md, "Security"): no control or invisible characters; service names in
 * NFC, from a documented character set, matched without regard to case or Unicode form, the
 * first spelling kept for display; and a database that already holds look-alike services gets
 * them merged when it is upgraded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import { ingestEvents } from '../../db/ingest';
import type { NativeEvent } from '../../common/events';
import { get, post, startTestServer } from '../helpers/server';
import { change, ciRun, deployment, incident, sha } from '../helpers/factories';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const made: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'deming-ids-'));
  made.push(d);
  return d;
};

let s: Server;
beforeAll(async () => {
  const file = join(tempDir(), 'deming.config.yaml');
  writeFileSync(
    file,
    `organisation:
  - id: gov
    name: Government
    teams:
      - id: web
        name: Web
        services: ["ACME/*", "Gov/App"]
`,
  );
  s = await startTestServer({ DEMING_CONFIG: file });
});
afterAll(async () => {
  await s.stop();
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const TABLES = ['raw_events', 'deployments', 'changes', 'ci_runs', 'incidents', 'services'];
const stored = () => Object.fromEntries(TABLES.map((t) => [t, (s.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
const services = async () => (await get(`${s.url}/api/v1/org`)).body.services as { name: string; teamId: string }[];

describe('service names', () => {
  it('lands Café/Web, café/web and its NFD spelling in one service, named as first seen', async () => {
    const nfd = 'cafe\u0301/web';
    for (const [i, service] of ['Café/Web', 'café/web', nfd, 'CAFÉ/WEB'].entries()) {
      expect((await post(`${s.url}/api/v1/events`, deployment({ id: `cafe-${i}`, service }))).status).toBe(200);
    }
    expect((await services()).filter((x) => x.name.toLowerCase().normalize('NFC').startsWith('café'))).toEqual([
      expect.objectContaining({ name: 'Café/Web' }),
    ]);
    // Read under any spelling, the scope is the service as stored.
    for (const scope of ['service:café/web', `service:${nfd}`, 'service:CAFÉ/WEB']) {
      const m = await get(`${s.url}/api/v1/metrics?scope=${encodeURIComponent(scope)}&from=2026-03-01&to=2026-03-10`);
      expect(m.body.scope, scope).toBe('service:Café/Web');
      expect(m.body.deploymentFrequency.count, scope).toBe(4);
    }
  });

  it('lands Acme/Web then acme/web in one service, in the team its configured pattern gives in any case', async () => {
    await post(`${s.url}/api/v1/events`, deployment({ id: 'aw-1', service: 'Acme/Web' }));
    await post(`${s.url}/api/v1/events`, [change({ service: 'acme/web', sha: sha('aw') }), incident({ id: 'aw-i', service: 'ACME/WEB' })]);
    await post(`${s.url}/api/v1/events`, deployment({ id: 'ga-1', service: 'gov/app' }));
    const all = await services();
    expect(all.filter((x) => x.name.toLowerCase() === 'acme/web')).toEqual([expect.objectContaining({ name: 'Acme/Web', teamId: 'web' })]);
    expect(all.find((x) => x.name === 'gov/app')?.teamId).toBe('web');
  });

  it('takes nested paths and the documented punctuation', async () => {
    const r = await post(`${s.url}/api/v1/events`, [
      deployment({ id: 'np-1', service: 'group/sub/project' }),
      deployment({ id: 'np-2', service: '@scope/pkg.name_2-x:api+v2' }),
      deployment({ id: 'np-3', service: 'Ministère/Santé/Dossiers' }),
      deployment({ id: 'np-4', service: '/ci/deploy' }),
    ]);
    expect(r.body).toEqual({ accepted: 4, updated: 0, unchanged: 0 });
  });

  it.each([
    ['a zero-width joiner', 'acme\u200d/web', /contains U\+200D, a control, invisible or space character: remove it/],
    ['a zero-width space', 'acme/\u200bweb', /contains U\+200B/],
    ['a bidi override', 'acme/\u202eweb', /contains U\+202E/],
    ['a BOM inside', 'acme/w\ufeffeb', /contains U\+FEFF/],
    ['NUL', 'acme/web\u0000', /contains U\+0000/],
    ['DEL', 'acme/\u007fweb', /contains U\+007F/],
    ['a C1 control', 'acme/\u009bweb', /contains U\+009B/],
    ['a fullwidth letter', '\uff21cme/web', /contains "Ａ" \(U\+FF21\), a compatibility form of "A": write "A"/],
    ['a space', 'acme web', /contains U\+0020|contains " " \(U\+0020\)/],
    [
      'a character outside the set',
      'acme/web#2',
      /contains "#" \(U\+0023\): a service name is made of letters, digits and \. _ - \/ @ : \+, such as "group\/sub\/project"/,
    ],
    ['a double slash', 'acme//web', /empty path segment/],
    ['a trailing slash', 'acme/web/', /empty path segment/],
    ['a ".." segment', 'acme/../web', /segment of dots alone/],
    ['an emoji', 'acme/🚀', /contains "🚀" \(U\+1F680\)/],
  ])('refuses a service name with %s, naming the field and the fix, storing nothing', async (_what, service, message) => {
    const before = stored();
    const r = await post(`${s.url}/api/v1/events`, [
      deployment({ id: 'ok-before', service: 'fine/one' }),
      deployment({ id: 'bad', service }),
    ]);
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([{ path: '[1].service', message: expect.stringMatching(message) }]);
    expect(stored()).toEqual(before);
  });
});

describe('other identifiers', () => {
  it.each([
    ['id', deployment({ id: 'dep\u0000loy' }), '[0].id', /U\+0000/],
    ['environment', deployment({ environment: 'prod\u200buction' }), '[0].environment', /U\+200B/],
    ['source', incident({ source: 'pager\u0007duty' }), '[0].source', /U\+0007/],
    ['a CI run name', ciRun({ name: 'unit\u2028tests' }), '[0].name', /U\+2028/],
    ['branch', ciRun({ branch: 'main\u202e' }), '[0].branch', /U\+202E/],
    ['severity', incident({ severity: 'hi\u00adgh' }), '[0].severity', /U\+00AD/],
    ['deploymentId', incident({ deploymentId: 'd\u00a01' }), '[0].deploymentId', /U\+00A0/],
    ['a lone surrogate (JSON \\ud800)', incident({ id: 'x\ud800y' }), '[0].id', /U\+D800/],
    ['a title with a bell', incident({ title: 'outage\u0007' }), '[0].title', /U\+0007, a control character/],
    ['a title with a bidi override', incident({ title: 'outage \u202eevil' }), '[0].title', /U\+202E/],
  ])('refuses %s with a control or invisible character, naming the field', async (_what, event, path, message) => {
    const before = stored();
    const r = await post(`${s.url}/api/v1/events`, [event]);
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([{ path, message: expect.stringMatching(message) }]);
    expect(stored()).toEqual(before);
  });

  it('keeps ordinary spaces, accents and the emoji joiner in free text, and spaces in a job name', async () => {
    const r = await post(`${s.url}/api/v1/events`, [
      incident({ id: 'txt-1', service: 'txt/app', title: 'Panne: l’accès échoue 👩\u200d💻\nsecond line', severity: 'très haut' }),
      ciRun({ id: 'txt-2', service: 'txt/app', name: 'unit tests (Node 20)', branch: 'feature/ünïcode' }),
    ]);
    expect(r.body).toEqual({ accepted: 2, updated: 0, unchanged: 0 });
  });

  it('refuses a scope with a control character as a 400, and a test report for a bad service name', async () => {
    const r = await get(`${s.url}/api/v1/metrics?scope=${encodeURIComponent('service:acme/web\u0000')}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(
      'scope: the service name contains U+0000, a control, invisible or unusual space character: remove it.',
    );
    const report = await post(
      `${s.url}/api/v1/test-reports?service=${encodeURIComponent('acme/\u200bweb')}&sha=abcd1234&name=unit`,
      '<testsuite name="unit" tests="1"><testcase name="t"/></testsuite>',
      { 'content-type': 'application/xml' },
    );
    expect(report.status).toBe(400);
    expect(report.body.error.details[0]).toEqual({ path: 'query.service', message: expect.stringMatching(/U\+200B/) });
  });

  it('refuses an organisation configuration whose service name has an invisible character', async () => {
    const file = join(tempDir(), 'deming.config.yaml');
    writeFileSync(
      file,
      'organisation:\n  - id: d\n    name: D\n    teams:\n      - id: t\n        name: T\n        services: ["acme/\u200bweb"]\n',
    );
    await expect(startTestServer({ DEMING_CONFIG: file })).rejects.toThrow(
      /organisation\[0\]\.teams\[0\]\.services\[0\]: the service name contains U\+200B/,
    );
  });
});

describe('upgrading a database that holds look-alike services', () => {
  it('merges them into the first one, moving every row, linking again and moving loops', async () => {
    const dir = tempDir();
    const file = join(dir, 'deming.db');
    // A database as the version before this one left it: two services that differ by case, no key
    // column. (Built with today's code: the second service gets a key of its own, `x-acme/web`,
    // under which its events are stored, before the key column goes.)
    const old = openDatabase(file);
    const opts = { production: /^prod/i, now: Date.parse('2026-03-20T00:00:00Z'), resolveTeam: () => null };
    ingestEvents(
      old,
      [
        change({
          service: 'Acme/Web',
          sha: sha('m1'),
          committedAt: '2026-03-01T00:00:00Z',
          pullRequest: { number: 1, openedAt: '2026-02-28T00:00:00Z' },
        }),
        deployment({ id: 'm-dep-1', service: 'Acme/Web', sha: sha('m1'), finishedAt: '2026-03-02T00:00:00Z' }),
      ] as NativeEvent[],
      opts,
    );
    old.exec(
      "DROP TRIGGER services_key_on_insert; DROP INDEX services_key; INSERT INTO services (name, key, team_id) VALUES ('acme/web', 'x-acme/web', 'unassigned')",
    );
    const lower = 'x-acme/web';
    ingestEvents(
      old,
      [
        change({
          service: lower,
          sha: sha('m1'),
          committedAt: '2026-03-01T00:00:00Z',
          authoredAt: '2026-02-27T00:00:00Z',
          pullRequest: { number: 1, mergedAt: '2026-03-01T12:00:00Z' },
        }),
        change({ service: lower, sha: sha('m2'), committedAt: '2026-03-03T00:00:00Z', parents: [sha('m1')] }),
        deployment({ id: 'm-dep-2', service: lower, sha: sha('m2'), finishedAt: '2026-03-04T00:00:00Z' }),
        incident({ id: 'm-inc', service: lower, openedAt: '2026-03-04T01:00:00Z', resolvedAt: '2026-03-04T02:00:00Z' }),
        ciRun({ id: 'm-run', service: lower, sha: sha('m2') }),
      ] as NativeEvent[],
      opts,
    );
    // Undo what came after version 8 too (010: change requests; 011: declared production; 012: incidents from their sources; 013: squash commits; 014: change requests' times; 015: service versions; 016: sign-in limits and single sign-ons under way), so every later migration runs as on an upgrade.
    old.exec(`ALTER TABLE services DROP COLUMN key; DROP TABLE services_to_relink; DROP TABLE service_merges;
      DROP INDEX deployments_change_request; ALTER TABLE deployments DROP COLUMN change_request; ALTER TABLE incidents DROP COLUMN change_request;
      ALTER TABLE deployments DROP COLUMN declared_production; DROP TABLE source_incidents; ALTER TABLE changes DROP COLUMN squashed; DROP TABLE change_requests;
      DROP TABLE service_versions; DROP TABLE sign_in_limits; DROP TABLE oidc_pending;
      PRAGMA user_version = 8;`);
    old.prepare("INSERT INTO loops (scope, name, from_at, to_at, created_at) VALUES ('service:acme/web', 'faster reviews', 0, 1, 0)").run();
    expect(old.prepare('SELECT name FROM services ORDER BY id').pluck().all()).toEqual(['Acme/Web', 'acme/web']);
    old.close();

    const server = await startTestServer({ DEMING_DB: file });
    try {
      expect((await get(`${server.url}/api/v1/org`)).body.services.map((x: { name: string }) => x.name)).toEqual(['Acme/Web']);
      const m = await get(`${server.url}/api/v1/metrics?scope=service:acme/web&from=2026-03-01&to=2026-03-10`);
      expect(m.body.scope).toBe('service:Acme/Web');
      expect(m.body.deploymentFrequency.count).toBe(2);
      expect(m.body.changeFailureRate).toMatchObject({ failed: 1 });
      // m2 was shipped by m-dep-2 and m1 by m-dep-1, once each, linked again across the merged history.
      expect(m.body.leadTime.count).toBe(2);
      const row = server.db
        .prepare(
          'SELECT c.authored_at AS authoredAt, p.opened_at AS openedAt, p.merged_at AS mergedAt FROM changes c JOIN pull_requests p ON p.id = c.pull_request_id WHERE c.sha = ?',
        )
        .get(sha('m1'));
      expect(row).toEqual({
        authoredAt: Date.parse('2026-02-27T00:00:00Z'),
        openedAt: Date.parse('2026-02-28T00:00:00Z'),
        mergedAt: Date.parse('2026-03-01T12:00:00Z'),
      });
      expect(server.db.prepare('SELECT scope FROM loops').pluck().all()).toEqual(['service:Acme/Web']);
      expect(server.db.prepare('SELECT name, into_name AS intoName FROM service_merges').all()).toEqual([
        { name: 'acme/web', intoName: 'Acme/Web' },
      ]);
      // New events under either spelling go to the merged service.
      expect(
        (await post(`${server.url}/api/v1/events`, deployment({ id: 'm-dep-3', service: 'ACME/web', finishedAt: '2026-03-05T00:00:00Z' })))
          .status,
      ).toBe(200);
      expect(server.db.prepare('SELECT count(*) FROM services').pluck().get()).toBe(1);
      // Migration 016's sign-in state is there: a wrong token is counted in it.
      expect((await post(`${server.url}/api/v1/session`, { token: 'a-wrong-token-0123456789' })).status).toBe(401);
      expect(server.db.prepare("SELECT failures FROM sign_in_limits WHERE kind = 'token'").pluck().all()).toEqual([1]);
    } finally {
      await server.stop();
    }
  });
});
