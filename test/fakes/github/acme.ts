/**
 * The scenario the GitHub tests share: three repositories of organisation `acme`, each
 * deploying its own way, plus an archived one. The expected figures are worked out by hand in
 * test/collectors/github/backfill.test.ts.
 *
 * acme/web (Deployments API):
 *   c0 ← [PR 1: p1a ← p1b, merge commit m1] ← d1 (pushed directly) ← [PR 2: p2a, squashed to s2] ← [PR 3: p3a, merge commit m3]
 *   D1 c0 prod ok 03-02 10:00 · D2 d1 prod ok 14:00 (inactive later) · D3 s2 staging · D4 s2 prod failed · D5 s2 prod ok 03-03 12:00
 *   · D6 m3 prod ok 03-04 12:00 · D7 m3 queued. Incident #20 (root cause s2), #21 open; #22 is a bug.
 * acme/api (releases, tags ^v): v1.0.0 ships s1, v1.1.0 ships s2; an rc, a nightly and a draft do not count.
 * acme/jobs (workflow deploy.yml): one successful Deploy run on main ships m1.
 */
import { sha } from '../../helpers/factories';
import { RepoBuilder, type FakeGithub } from './scenario';

/** The clock of the tests that use this scenario. */
export const NOW = Date.parse('2026-03-06T00:00:00Z');
const t = (day: string, time: string) => `2026-03-${day}T${time}:00Z`;

export function acme(): FakeGithub {
  const web = new RepoBuilder('acme', 'web');
  web.commit('web-c0', [], '2026-02-20T00:00:00Z');
  web.push('web-c0', ['web-c0'], '2026-02-20T00:00:00Z');
  web.deployment({
    commit: 'web-c0',
    createdAt: t('02', '09:50'),
    statuses: [
      ['in_progress', t('02', '09:55')],
      ['success', t('02', '10:00')],
    ],
  });
  web.issue({ number: 10, labels: ['enhancement'], createdAt: t('01', '12:00') });
  web.commit('web-p1a', ['web-c0'], t('02', '09:00'));
  web.commit('web-p1b', ['web-p1a'], t('02', '11:00'), t('02', '10:30'));
  web.pull({
    number: 1,
    commits: ['web-p1a', 'web-p1b'],
    createdAt: t('02', '09:30'),
    mergedAt: t('02', '12:00'),
    mergeName: 'web-m1',
    closes: [10],
  });
  web.commit('web-d1', ['web-m1'], t('02', '13:00'));
  web.push('web-d1', ['web-d1'], t('02', '13:00'));
  web.deployment({
    commit: 'web-d1',
    createdAt: t('02', '13:50'),
    statuses: [
      ['queued', t('02', '13:51')],
      ['in_progress', t('02', '13:55')],
      ['success', t('02', '14:00')],
      ['inactive', t('03', '12:00')],
    ],
  });
  web.commit('web-p2a', ['web-d1'], t('03', '09:00'));
  web.pull({
    number: 2,
    commits: ['web-p2a'],
    createdAt: t('03', '08:00'),
    mergedAt: t('03', '10:00'),
    method: 'squash',
    mergeName: 'web-s2',
  });
  web.deployment({ commit: 'web-s2', environment: 'staging', createdAt: t('03', '10:50'), statuses: [['success', t('03', '11:00')]] });
  web.deployment({
    commit: 'web-s2',
    createdAt: t('03', '11:20'),
    statuses: [
      ['in_progress', t('03', '11:25')],
      ['failure', t('03', '11:30')],
    ],
  });
  web.deployment({ commit: 'web-s2', createdAt: t('03', '11:50'), statuses: [['success', t('03', '12:00')]] });
  web.issue({
    number: 20,
    labels: ['incident', 'sev2'],
    createdAt: t('03', '13:00'),
    closedAt: t('03', '15:00'),
    title: 'Checkout is down',
    body: `Checkout fails for everyone.\n\nroot cause: ${sha('web-s2')}`,
  });
  web.issue({ number: 11, labels: ['enhancement'], createdAt: t('03', '09:00') });
  web.issue({ number: 12, labels: ['enhancement'], createdAt: t('02', '09:00') });
  web.commit('web-p3a', ['web-s2'], t('04', '09:00'));
  web.pull({
    number: 3,
    commits: ['web-p3a'],
    createdAt: t('04', '08:30'),
    mergedAt: t('04', '10:00'),
    mergeName: 'web-m3',
    closes: [11, 12],
  });
  web.deployment({ commit: 'web-m3', createdAt: t('04', '11:50'), statuses: [['success', t('04', '12:00')]] });
  web.deployment({ commit: 'web-m3', createdAt: t('05', '09:00'), statuses: [['queued', t('05', '09:01')]] });
  web.issue({ number: 21, labels: ['Incident'], createdAt: t('05', '00:00') });
  web.issue({ number: 22, labels: ['bug'], createdAt: t('05', '01:00') });
  web.commit('web-p4a', ['web-m3'], t('05', '10:00'));
  web.pull({ number: 4, commits: ['web-p4a'], createdAt: t('05', '10:30') });
  web.run({ commit: 'web-p1b', branch: 'feature-1', event: 'pull_request', conclusion: 'success', createdAt: t('02', '11:05') });
  web.run({ commit: 'web-m1', conclusion: 'success', createdAt: t('02', '12:01') });
  web.run({ commit: 'web-d1', conclusion: 'failure', createdAt: t('02', '13:01'), minutes: 4 });
  web.run({ commit: 'web-s2', conclusion: 'success', createdAt: t('03', '10:01'), minutes: 19 });
  web.run({ commit: 'web-m3', conclusion: null, createdAt: t('04', '10:01') });
  web.run({ commit: 'web-m3', conclusion: 'cancelled', createdAt: t('04', '10:02'), minutes: 1 });

  const api = new RepoBuilder('acme', 'api');
  api.commit('api-a0', [], t('01', '00:00'));
  api.push('api-a0', ['api-a0'], t('01', '00:00'));
  api.commit('api-a1', ['api-a0'], t('02', '08:00'));
  api.pull({
    number: 1,
    commits: ['api-a1'],
    createdAt: t('02', '07:00'),
    mergedAt: t('02', '09:00'),
    method: 'squash',
    mergeName: 'api-s1',
  });
  api.release({ tag: 'v1.0.0', commit: 'api-s1', createdAt: t('02', '12:00') });
  api.commit('api-a2', ['api-s1'], t('03', '08:00'));
  api.pull({
    number: 2,
    commits: ['api-a2'],
    createdAt: t('03', '07:00'),
    mergedAt: t('03', '10:00'),
    method: 'squash',
    mergeName: 'api-s2',
  });
  api.release({ tag: 'v1.1.0-rc1', commit: 'api-s2', createdAt: t('03', '11:00'), prerelease: true });
  api.release({ tag: 'nightly-3', commit: 'api-s2', createdAt: t('03', '12:00') });
  api.release({ tag: 'v1.2.0', commit: 'api-s2', createdAt: t('03', '13:00'), publishedAt: null, draft: true });
  api.release({ tag: 'v1.1.0', commit: 'api-s2', createdAt: t('03', '14:00'), publishedAt: t('03', '15:00'), targetIsSha: true });
  api.deployment({ commit: 'api-s2', createdAt: t('03', '15:50'), statuses: [['success', t('03', '16:00')]] });

  const jobs = new RepoBuilder('acme', 'jobs');
  jobs.commit('jobs-j0', [], t('01', '00:00'));
  jobs.push('jobs-j0', ['jobs-j0'], t('01', '00:00'));
  jobs.commit('jobs-j1', ['jobs-j0'], t('02', '08:00'));
  jobs.run({
    commit: 'jobs-j1',
    name: 'Deploy',
    path: '.github/workflows/deploy.yml',
    branch: 'feature-1',
    conclusion: 'success',
    createdAt: t('02', '08:30'),
  });
  jobs.pull({ number: 1, commits: ['jobs-j1'], createdAt: t('02', '08:10'), mergedAt: t('02', '09:00'), mergeName: 'jobs-m1' });
  jobs.run({ commit: 'jobs-m1', conclusion: 'success', createdAt: t('02', '09:05') });
  jobs.run({
    commit: 'jobs-m1',
    name: 'Deploy',
    path: '.github/workflows/deploy.yml',
    conclusion: 'failure',
    createdAt: t('02', '09:10'),
    minutes: 5,
  });
  jobs.run({ commit: 'jobs-m1', name: 'Deploy', path: '.github/workflows/deploy.yml', conclusion: 'success', createdAt: t('02', '09:30') });

  const old = new RepoBuilder('acme', 'old', { archived: true });
  old.commit('old-o0', [], t('01', '00:00'));
  old.push('old-o0', ['old-o0'], t('01', '00:00'));

  const repos = [web.repo, api.repo, jobs.repo, old.repo];
  return { repos, orgs: new Map([['acme', repos.map((r) => `${r.owner}/${r.name}`)]]) };
}

/** The `sources.github` block for this scenario, as YAML; `auth` replaces the token line(s). */
export function acmeSourcesYaml(apiUrl: string, extra = '', auth = ['    token: test-token']): string {
  return [
    'sources:',
    '  github:',
    `    baseUrl: ${apiUrl}`,
    ...auth,
    '    organisations: [acme]',
    '    repositories:',
    '      - { name: acme/api, deployments: { from: releases, tagPattern: "^v" } }',
    '      - { name: acme/jobs, deployments: { from: workflow, workflow: deploy.yml } }',
    '      - acme/gone',
    ...(extra.includes('interval:') ? [] : ['    interval: "off"']),
    '    graphqlInterval: 0s',
    extra,
  ].join('\n');
}

export const ORGANISATION_YAML = [
  'organisation:',
  '  - id: retail',
  '    name: Retail',
  '    teams:',
  '      - { id: shop, name: Shop, services: [acme/web] }',
  '      - { id: platform, name: Platform, services: ["acme/*"] }',
].join('\n');
