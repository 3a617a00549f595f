/**
 * Issue 15: an incident whose change request a production deployment carried is linked to that
 * deployment explicitly (DESIGN.md, "The metrics" 3. and "Failed deployment recovery time"),
 * hand-worked over HTTP against a real server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { get, post, startTestServer } from '../../helpers/server';
import { sha } from '../../helpers/factories';

const H = 3_600_000,
  DAY = 86_400_000;
const JAN1 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();
const service = 'gov/app';

let s: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  s = await startTestServer({}, () => Date.parse('2026-02-01T00:00:00Z'));
});
afterEach(async () => {
  await s.stop();
});

const deployment = (id: string, day: number, extra: Record<string, unknown> = {}) => ({
  type: 'deployment',
  id,
  service,
  environment: 'production',
  status: 'success',
  sha: sha(id),
  commits: [sha(id)],
  finishedAt: at(JAN1 + day * DAY),
  ...extra,
});
const incident = (id: string, openedAt: number, hours: number, extra: Record<string, unknown> = {}) => ({
  type: 'incident',
  id,
  service,
  openedAt: at(openedAt),
  resolvedAt: at(openedAt + hours * H),
  ...extra,
});

async function read() {
  const q = `scope=service:${service}&from=2026-01-01&to=2026-02-01`;
  const metrics = (await get(`${s.url}/api/v1/metrics?${q}`)).body;
  const deployments = (await get(`${s.url}/api/v1/deployments?${q}`)).body.items as { id: string; causedIncident: boolean }[];
  const caused = deployments
    .filter((d) => d.causedIncident)
    .map((d) => d.id)
    .sort();
  return { metrics, caused };
}

describe('change request links', () => {
  it('link an incident to the production deployment that carried its change request, over the implicit rule and behind a named deployment', async () => {
    const events = [
      deployment('d1', 1, { changeRequest: 'CHG-1' }),
      deployment('d2', 2, { changeRequest: 'CHG-2' }),
      deployment('d3', 3),
      deployment('d4', 4),
      deployment('d5', 5),
      // Only a staging deployment carried CHG-9: it links nothing.
      deployment('s1', 3, { environment: 'staging', changeRequest: 'CHG-9' }),
      // Opened after d4, but CHG-1 was carried by d1: linked to d1 explicitly. 1 h.
      incident('a', JAN1 + 4 * DAY + 10 * H, 1, { changeRequest: 'CHG-1' }),
      // CHG-9 reached no production deployment: the implicit rule links it to d5, not explicitly. 2 h.
      incident('b', JAN1 + 5 * DAY + 10 * H, 2, { changeRequest: 'CHG-9' }),
      // No deployment carried CHG-404: the root-cause sha shipped by d2 links it. 3 h.
      incident('c', JAN1 + 5 * DAY + 12 * H, 3, { changeRequest: 'CHG-404', rootCauseSha: sha('d2') }),
      // Names d3 and carries CHG-2 (d2's): the named deployment wins. 4 h.
      incident('d', JAN1 + 6 * DAY, 4, { deploymentId: 'd3', changeRequest: 'CHG-2' }),
    ];
    expect((await post(`${s.url}/api/v1/events`, events)).status).toBe(200);
    const { metrics, caused } = await read();
    // The service reports incidents from d1 (its first incident's linked deployment): 5 deployments, d4 alone not failed.
    expect(caused).toEqual(['d1', 'd2', 'd3', 'd5']);
    expect(metrics.changeFailureRate).toMatchObject({ count: 5, failed: 4, rate: 0.8, services: 1 });
    // Explicitly linked: a (1 h), c (3 h), d (4 h); b only implicitly.
    expect(metrics.failedDeploymentRecoveryTime).toMatchObject({ count: 3, p50: 3 * 3600, services: 1 });
    expect(metrics.timeToRestore).toMatchObject({ count: 4, p50: 2.5 * 3600 });
  });

  it('link an incident that arrived before the deployment carrying its change request, once that deployment arrives', async () => {
    expect(
      (
        await post(`${s.url}/api/v1/events`, [
          deployment('d1', 1),
          deployment('d2', 2),
          incident('a', JAN1 + 2 * DAY + 10 * H, 5, { changeRequest: ' REL-7 ' }),
        ])
      ).status,
    ).toBe(200);
    let r = await read();
    expect(r.caused).toEqual(['d2']);
    expect(r.metrics.failedDeploymentRecoveryTime).toMatchObject({ count: 0, p50: null });
    // The change request is an identifier: trimmed on the way in, so REL-7 matches.
    expect(
      (await post(`${s.url}/api/v1/events`, [deployment('d1', 1, { changeRequest: 'REL-7', updatedAt: at(JAN1 + 20 * DAY) })])).status,
    ).toBe(200);
    r = await read();
    expect(r.caused).toEqual(['d1']);
    expect(r.metrics.failedDeploymentRecoveryTime).toMatchObject({ count: 1, p50: 5 * 3600 });
  });

  it('refuses a change request that is not an identifier, naming the field', async () => {
    const res = await post(`${s.url}/api/v1/events`, [incident('x', JAN1, 1, { changeRequest: 'CHG\u202e1' })]);
    expect(res.status).toBe(400);
    const error = JSON.stringify(res.body.error);
    expect(error).toContain('changeRequest');
    expect(error).toContain('invisible or unusual space character: remove it');
  });
});
