/**
 * `sources.gitlab.incidents.since`: the configured projects report incidents from that day
 * (DESIGN, "Evidence"), so the change failure rate of the health scenario rests on every
 * production deployment of the window, not only those from the first incident's deployment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { health, NOW } from '../../fakes/gitlab/health';
import { startFakeGitlab, type FakeGitlabServer } from '../../fakes/gitlab/server';
import { get, startTestServer } from '../../helpers/server';
import { healthConfig } from './helpers';

let fake: FakeGitlabServer;
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  fake = await startFakeGitlab(health(), { tokens: { 'test-token': ['read_api'] } });
  const config = healthConfig(fake.apiUrl, { extra: ['    incidents: { labels: [outage], since: 2026-03-01 }'] });
  server = await startTestServer({ DEMING_CONFIG: config.file }, () => NOW);
  await server.collectors.runNow();
});
afterAll(async () => {
  await server.stop();
  await fake.close();
});

describe('GitLab incidents tracked since a day', () => {
  it('count every production deployment of the window toward the change failure rate', async () => {
    const { body } = await get(`${server.url}/api/v1/metrics?scope=service:health/clinics/booking&from=2026-03-02&to=2026-03-09`);
    // D1, D2, D5, D6 succeeded in production; #20 names s2 (D5), #21 opened after D6: 2 of 4 failed.
    expect(body.changeFailureRate).toMatchObject({ count: 4, failed: 2, rate: 0.5, services: 1 });
  });
});
