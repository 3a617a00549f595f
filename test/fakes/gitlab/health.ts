/**
 * The scenario the GitLab tests share: group `health` with subgroup `health/clinics`, and a group
 * `other` that is not configured. The expected figures are worked out by hand in
 * test/collectors/gitlab/backfill.test.ts.
 *
 * health/clinics/booking (environments with tiers: `live` is production, `preview` staging):
 *   c0 ← [!1: p1a ← p1b, merge commit m1] ← d1 (pushed directly) ← [!2: p2a, squashed to s2] ← [!3: p3a, fast-forward]
 *   D1 c0 live ok 03-02 10:00 · D2 d1 live ok 14:00 · D3 s2 preview ok · D4 s2 live failed 11:30 · D5 s2 live ok 03-03 12:00
 *   · D6 p3a live ok 03-04 12:00 · D7 p3a live running. Incident #20 (HIGH, root cause s2), #21 (label Outage) open; #22 is a bug.
 * health/portal (an environment without a tier, `prod`: the pattern decides): one merge request, one deployment.
 * health/clinics/sandbox-lab: left out by the exclude pattern. health/old: archived. other/elsewhere: outside the groups.
 */
import { sha } from '../../helpers/factories';
import { ProjectBuilder, type FakeGitlab } from './scenario';

/** The clock of the tests that use this scenario. */
export const NOW = Date.parse('2026-03-06T00:00:00Z');
const t = (day: string, time: string) => `2026-03-${day}T${time}:00.000Z`;

export function health(): FakeGitlab {
  const b = new ProjectBuilder('health/clinics/booking', { id: 101 });
  b.environment('live', 'production');
  b.environment('preview', 'staging');
  b.commit('bk-c0', [], '2026-02-20T00:00:00.000Z');
  b.push('bk-c0', '2026-02-20T00:00:00.000Z');
  b.deployment({ commit: 'bk-c0', environment: 'live', createdAt: t('02', '09:50') });
  b.issue({ iid: 10, createdAt: t('01', '12:00') });
  b.commit('bk-p1a', ['bk-c0'], t('02', '09:00'));
  b.commit('bk-p1b', ['bk-p1a'], t('02', '11:00'), t('02', '10:30'));
  b.mergeRequest({
    iid: 1,
    commits: ['bk-p1a', 'bk-p1b'],
    createdAt: t('02', '09:30'),
    mergedAt: t('02', '12:00'),
    mergeName: 'bk-m1',
    description: 'Book a slot.\n\nCloses #10',
  });
  b.commit('bk-d1', ['bk-m1'], t('02', '13:00'));
  b.push('bk-d1', t('02', '13:00'));
  b.deployment({ commit: 'bk-d1', environment: 'live', createdAt: t('02', '13:50') });
  b.commit('bk-p2a', ['bk-d1'], t('03', '09:00'));
  b.mergeRequest({
    iid: 2,
    commits: ['bk-p2a'],
    createdAt: t('03', '08:00'),
    mergedAt: t('03', '10:00'),
    method: 'squash',
    mergeName: 'bk-s2',
  });
  b.deployment({ commit: 'bk-s2', environment: 'preview', createdAt: t('03', '10:50') });
  b.deployment({ commit: 'bk-s2', environment: 'live', createdAt: t('03', '11:20'), status: 'failed' });
  b.deployment({ commit: 'bk-s2', environment: 'live', createdAt: t('03', '11:50') });
  b.issue({
    iid: 20,
    type: 'incident',
    severity: 'HIGH',
    createdAt: t('03', '13:00'),
    closedAt: t('03', '15:00'),
    title: 'Booking is down',
    description: `Nobody can book.\n\nroot cause: ${sha('bk-s2')}`,
  });
  b.issue({ iid: 11, createdAt: t('03', '09:00') });
  b.issue({ iid: 12, createdAt: t('02', '09:00') });
  b.commit('bk-p3a', ['bk-s2'], t('04', '09:00'));
  b.mergeRequest({
    iid: 3,
    commits: ['bk-p3a'],
    createdAt: t('04', '08:30'),
    mergedAt: t('04', '10:00'),
    method: 'ff',
    description: 'Fixes #11 and #12',
  });
  b.deployment({ commit: 'bk-p3a', environment: 'live', createdAt: t('04', '11:50') });
  b.deployment({ commit: 'bk-p3a', environment: 'live', createdAt: t('05', '09:00'), status: 'running' });
  b.issue({ iid: 21, labels: ['Outage'], createdAt: t('05', '00:00') });
  b.issue({ iid: 22, labels: ['bug'], createdAt: t('05', '01:00') });
  b.commit('bk-p4a', ['bk-p3a'], t('05', '10:00'));
  b.mergeRequest({ iid: 4, commits: ['bk-p4a'], createdAt: t('05', '10:30') });
  b.pipeline({ commit: 'bk-p1b', ref: 'feature-1', status: 'success', createdAt: t('02', '11:05'), tests: { success: 10, failed: 0 } });
  b.pipeline({ commit: 'bk-m1', status: 'success', createdAt: t('02', '12:01') });
  b.pipeline({ commit: 'bk-d1', status: 'failed', createdAt: t('02', '13:01'), minutes: 4 });
  b.pipeline({
    commit: 'bk-s2',
    status: 'success',
    createdAt: t('03', '10:01'),
    minutes: 19,
    tests: { success: 40, failed: 2, skipped: 1 },
  });
  b.pipeline({ commit: 'bk-p3a', status: null, createdAt: t('04', '10:01') });
  b.pipeline({ commit: 'bk-p3a', status: 'canceled', createdAt: t('04', '10:02'), minutes: 1 });

  const portal = new ProjectBuilder('health/portal', { id: 102 });
  portal.environment('prod', null);
  portal.commit('pt-a0', [], t('01', '00:00'));
  portal.push('pt-a0', t('01', '00:00'));
  portal.commit('pt-a1', ['pt-a0'], t('02', '08:00'));
  portal.mergeRequest({ iid: 1, commits: ['pt-a1'], createdAt: t('02', '07:00'), mergedAt: t('02', '09:00'), mergeName: 'pt-m1' });
  portal.deployment({ commit: 'pt-a0', environment: 'prod', createdAt: t('01', '12:00') });
  portal.deployment({ commit: 'pt-m1', environment: 'prod', createdAt: t('02', '11:50') });

  const sandbox = new ProjectBuilder('health/clinics/sandbox-lab', { id: 103 });
  sandbox.commit('sb-a0', [], t('01', '00:00'));
  sandbox.push('sb-a0', t('01', '00:00'));
  sandbox.deployment({ commit: 'sb-a0', environment: 'live', createdAt: t('02', '12:00') });
  sandbox.environment('live', 'production');

  const old = new ProjectBuilder('health/old', { id: 104, archived: true });
  old.commit('old-o0', [], t('01', '00:00'));
  old.push('old-o0', t('01', '00:00'));

  const elsewhere = new ProjectBuilder('other/elsewhere', { id: 201 });
  elsewhere.commit('el-a0', [], t('01', '00:00'));
  elsewhere.push('el-a0', t('01', '00:00'));

  return {
    groups: [
      { id: 10, path: 'health' },
      { id: 11, path: 'health/clinics' },
      { id: 20, path: 'other' },
    ],
    projects: [b.project, portal.project, sandbox.project, old.project, elsewhere.project],
  };
}

/** The `sources.gitlab` block for this scenario, as YAML. */
export function healthSourcesYaml(apiUrl: string, extra: string[] = [], auth = ['    token: test-token']): string {
  return [
    'sources:',
    '  gitlab:',
    `    baseUrl: ${apiUrl}`,
    ...auth,
    '    groups: [health]',
    '    exclude: ["**/sandbox-*"]',
    ...(extra.some((l) => l.includes('incidents:')) ? [] : ['    incidents: { labels: [outage] }']),
    ...(extra.some((l) => l.includes('interval:')) ? [] : ['    interval: "off"']),
    ...extra,
  ].join('\n');
}

export const ORGANISATION_YAML = [
  'organisation:',
  '  - id: health',
  '    name: Health',
  '    teams:',
  '      - { id: clinics, name: Clinics, services: [health/clinics/booking] }',
  '      - { id: web, name: Web, services: ["health/*"] }',
].join('\n');
