/**
 * Issue 14: one organisation tree, built once and kept (server/org), shown by `GET /api/v1/org`,
 * resolving scopes and counting children. It must follow what is stored: a batch that brings a
 * new service, or another process writing to the database, is seen by the next read.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOrgTree, childScopeKeys, servicesInScope } from '../../common/org-tree';
import { openDatabase } from '../../db/connection';
import { ingestEvents } from '../../db/ingest';
import { validateEvents } from '../../common/validate-events';
import { teamResolver } from '../../common/org';
import { deployment } from '../helpers/factories';
import { get, post, startTestServer } from '../helpers/server';

describe('the tree as GET /api/v1/org shows it', () => {
  const departments = [
    { id: 'd1', name: 'One' },
    { id: 'd2', name: 'Two, no teams' },
    { id: 'unassigned', name: 'Unassigned' },
  ];
  const teams = [
    { id: 't1', name: 'Team', departmentId: 'd1' },
    { id: 'unassigned', name: 'Unassigned', departmentId: 'unassigned' },
  ];

  it('hides the unassigned team while no service is in it, and a department without a team', () => {
    const tree = buildOrgTree(departments, teams, [{ name: 'a/x', teamId: 't1' }]);
    expect(tree.departments).toEqual([{ id: 'd1', name: 'One', teams: ['t1'] }]);
    expect(tree.teams.map((t) => t.id)).toEqual(['t1']);
    const withStray = buildOrgTree(departments, teams, [
      { name: 'a/x', teamId: 't1' },
      { name: 'stray', teamId: 'unassigned' },
    ]);
    expect(withStray.departments.map((d) => d.id)).toEqual(['d1', 'unassigned']);
    expect(servicesInScope(withStray, 'department', 'unassigned')).toEqual(['stray']);
    expect(servicesInScope(withStray, 'org', '')).toEqual(['a/x', 'stray']);
    expect(childScopeKeys(withStray, 'org', '')).toEqual(['department:d1', 'department:unassigned']);
    expect(childScopeKeys(withStray, 'team', 't1')).toEqual(['service:a/x']);
  });
});

describe('the server’s tree follows what is stored', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  const now = Date.parse('2026-03-16T00:00:00Z');
  const names = async () => ((await get(`${s.url}/api/v1/org`)).body as { services: { name: string }[] }).services.map((x) => x.name);

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deming-org-')), 'deming.config.yaml');
    writeFileSync(
      file,
      'organisation:\n  - id: d1\n    name: Department One\n    teams:\n      - id: t1\n        name: Team One\n        services: ["acme/*"]\n',
    );
    s = await startTestServer({ DEMING_CONFIG: file }, () => now);
    expect((await post(`${s.url}/api/v1/events`, [deployment({ service: 'acme/app' })])).status).toBe(200);
  });
  afterAll(async () => {
    await s.stop();
  });

  it('shows a service a later batch brings, in its team, and resolves it', async () => {
    expect(await names()).toEqual(['acme/app']);
    expect((await get(`${s.url}/api/v1/metrics?scope=service:acme/web`)).status).toBe(404);
    expect(
      (await post(`${s.url}/api/v1/events`, [deployment({ service: 'acme/web' }), deployment({ service: 'other/solo' })])).status,
    ).toBe(200);
    expect(await names()).toEqual(['acme/app', 'acme/web', 'other/solo']);
    const org = (await get(`${s.url}/api/v1/org`)).body as { teams: { id: string; services: string[] }[] };
    expect(org.teams).toEqual([
      expect.objectContaining({ id: 't1', services: ['acme/app', 'acme/web'] }),
      expect.objectContaining({ id: 'unassigned', services: ['other/solo'] }),
    ]);
    const team = await get(`${s.url}/api/v1/metrics?scope=team:t1&from=2026-03-01&to=2026-03-16`);
    expect(team.body.deploymentFrequency.count).toBe(2);
    const children = await get(`${s.url}/api/v1/children?scope=org&from=2026-03-01&to=2026-03-16`);
    expect(children.body.items.map((i: { scope: string; services: number }) => [i.scope, i.services])).toEqual([
      ['department:d1', 2],
      ['department:unassigned', 1],
    ]);
  });

  it('shows a service another process stored, without a restart', async () => {
    await names();
    const other = openDatabase(s.ctx.config.dbFile);
    try {
      ingestEvents(other, validateEvents([deployment({ service: 'acme/from-cli' })]), {
        production: /^prod(uction)?$/i,
        now,
        resolveTeam: teamResolver(s.ctx.config.organisation),
      });
    } finally {
      other.close();
    }
    expect(await names()).toContain('acme/from-cli');
    expect(
      (await get(`${s.url}/api/v1/metrics?scope=service:acme/from-cli&from=2026-03-01&to=2026-03-16`)).body.deploymentFrequency.count,
    ).toBe(1);
  });
});
