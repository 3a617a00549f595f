/**
 * What each native event becomes as a row: times as epoch milliseconds, absent fields as null
 * (never 0 or ''), production decided by the configured pattern, a deployment's commits listed
 * once, and the idempotency key with its defaults.
 */
import { describe, expect, it } from 'vitest';
import { nativeEvent, type ChangeEvent, type CiRunEvent, type DeploymentEvent, type IncidentEvent } from '../../common/events';
import { changeRow, ciRunRow, deploymentRow, incidentRow, keyOf, pullRequestRow } from '../../db/rows';

const parse = <T>(e: unknown) => nativeEvent.parse(e) as T;
const production = /^prod(uction)?$/i;

describe('rows of native events', () => {
  it("keys an event by (type, source, id): the route's source when it names none, a change's sha when it has no id", () => {
    const change = parse<ChangeEvent>({ type: 'change', service: 'a/b', sha: 'ABCDEF12', committedAt: '2026-03-01T00:00:00Z' });
    expect(keyOf(change, 'api')).toEqual({ type: 'change', source: 'api', eventId: 'abcdef12' });
    const named = parse<ChangeEvent>({
      type: 'change',
      id: 'c-1',
      source: 'git',
      service: 'a/b',
      sha: 'abcdef12',
      committedAt: '2026-03-01T00:00:00Z',
    });
    expect(keyOf(named, 'api')).toEqual({ type: 'change', source: 'git', eventId: 'c-1' });
  });

  it('stores a deployment with its times in milliseconds, production by the pattern, and each commit once', () => {
    const e = parse<DeploymentEvent>({
      type: 'deployment',
      id: 'd-1',
      service: 'a/b',
      environment: 'Production',
      status: 'success',
      sha: 'abcdef12',
      commits: ['aaaa1111', 'bbbb2222', 'aaaa1111'],
      startedAt: '2026-03-01T10:00:00+01:00',
      finishedAt: '2026-03-01T09:30:00Z',
      rework: true,
      changeRequest: ' CHG-1042 ',
    });
    expect(deploymentRow(e, keyOf(e, 'api'), 7, production)).toEqual({
      source: 'api',
      extId: 'd-1',
      serviceId: 7,
      environment: 'Production',
      isProduction: 1,
      declaredProduction: null,
      status: 'success',
      sha: 'abcdef12',
      commits: '["aaaa1111","bbbb2222"]',
      startedAt: Date.UTC(2026, 2, 1, 9),
      finishedAt: Date.UTC(2026, 2, 1, 9, 30),
      rework: 1,
      changeRequest: 'CHG-1042',
      url: null,
    });
    const staging = parse<DeploymentEvent>({
      type: 'deployment',
      id: 'd-2',
      service: 'a/b',
      environment: 'preprod',
      status: 'in_progress',
    });
    expect(deploymentRow(staging, keyOf(staging, 'api'), 7, production)).toMatchObject({
      isProduction: 0,
      finishedAt: null,
      startedAt: null,
      commits: null,
      sha: null,
      rework: 0,
      changeRequest: null,
    });
  });

  it('takes production as the source declares it over the pattern, either way', () => {
    const declared = parse<DeploymentEvent>({
      type: 'deployment',
      id: 'd-3',
      service: 'a/b',
      environment: 'live-eu',
      status: 'success',
      finishedAt: '2026-03-01T00:00:00Z',
      production: true,
    });
    expect(deploymentRow(declared, keyOf(declared, 'api'), 7, production)).toMatchObject({ isProduction: 1, declaredProduction: 1 });
    const denied = parse<DeploymentEvent>({
      type: 'deployment',
      id: 'd-4',
      service: 'a/b',
      environment: 'production',
      status: 'success',
      finishedAt: '2026-03-01T00:00:00Z',
      production: false,
    });
    expect(deploymentRow(denied, keyOf(denied, 'api'), 7, production)).toMatchObject({ isProduction: 0, declaredProduction: 0 });
  });

  it('stores a change and its pull request with absent stages as null, not 0', () => {
    const e = parse<ChangeEvent>({
      type: 'change',
      service: 'a/b',
      sha: 'abcdef12',
      committedAt: '2026-03-01T00:00:00Z',
      pullRequest: { number: 42, mergedAt: '2026-03-02T00:00:00Z', url: 'https://git.example/pr/42' },
    });
    expect(changeRow(e, 3, 99)).toEqual({
      serviceId: 3,
      sha: 'abcdef12',
      committedAt: Date.UTC(2026, 2, 1),
      authoredAt: null,
      pullRequestId: 99,
      url: null,
      squashed: null,
    });
    expect(changeRow({ ...e, pullRequest: { ...e.pullRequest!, squashed: true } }, 3, 99).squashed).toBe(1);
    expect(pullRequestRow(e.pullRequest!, 3)).toEqual({
      serviceId: 3,
      number: 42,
      openedAt: null,
      mergedAt: Date.UTC(2026, 2, 2),
      mergeSha: null,
      firstCommitAt: null,
      planStartedAt: null,
      url: 'https://git.example/pr/42',
    });
  });

  it('stores a CI run with its test counts, and an incident with its link fields', () => {
    const run = parse<CiRunEvent>({
      type: 'ci_run',
      id: 'r-1',
      source: 'jenkins',
      service: 'a/b',
      name: 'build',
      status: 'failure',
      startedAt: '2026-03-01T00:00:00Z',
      finishedAt: '2026-03-01T00:10:00Z',
      tests: { passed: 10, failed: 0 },
    });
    expect(ciRunRow(run, keyOf(run, 'api'), 5)).toEqual({
      source: 'jenkins',
      extId: 'r-1',
      serviceId: 5,
      name: 'build',
      status: 'failure',
      sha: null,
      branch: null,
      startedAt: Date.UTC(2026, 2, 1),
      finishedAt: Date.UTC(2026, 2, 1, 0, 10),
      testsPassed: 10,
      testsFailed: 0,
      testsSkipped: null,
      url: null,
    });
    const incident = parse<IncidentEvent>({
      type: 'incident',
      id: 'i-1',
      service: 'a/b',
      openedAt: '2026-03-01T00:00:00Z',
      deploymentId: 'd-1',
      rootCauseSha: 'ABCDEF12',
      changeRequest: 'CHG-1042',
    });
    expect(incidentRow(incident, keyOf(incident, 'pagerduty'), 5)).toEqual({
      source: 'pagerduty',
      extId: 'i-1',
      serviceId: 5,
      openedAt: Date.UTC(2026, 2, 1),
      resolvedAt: null,
      severity: null,
      deploymentRef: 'd-1',
      rootCauseSha: 'abcdef12',
      changeRequest: 'CHG-1042',
      title: null,
      url: null,
    });
  });
});
