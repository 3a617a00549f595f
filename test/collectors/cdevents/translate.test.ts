import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unwrapCdEvents } from '../../../collectors/cdevents/envelope';
import { translateCdEvents, type TranslateOptions } from '../../../collectors/cdevents/translate';
import { nativeEvent } from '../../../common/events';
import { conformance, SPEC_DIR } from './spec';

const opts: TranslateOptions = { production: /^prod/i, previousIncident: async () => undefined };
const translate = (body: unknown, o: Partial<TranslateOptions> = {}) =>
  translateCdEvents(unwrapCdEvents(body, {}, 'json'), { ...opts, ...o });

const deployedAt = '2023-03-20T14:27:05.315384Z';
// The context's timestamp is also the native event's updatedAt (collectors/cdevents/map.ts).
const deployment = {
  type: 'deployment',
  source: 'cdevents',
  id: '271069a8-fc18-44f1-b38f-9d70a1695819',
  service: 'mySubject123',
  environment: 'test123',
  finishedAt: deployedAt,
  updatedAt: deployedAt,
};
const incident = {
  type: 'incident' as const,
  source: 'cdevents',
  id: 'incident-123',
  service: 'myApp',
  openedAt: '2022-11-11T13:52:20.079Z',
  updatedAt: '2022-11-11T13:52:20.079Z',
};

/** What each mapped conformance example becomes (the same in 0.4.1 and 0.5.1). */
const expected: Record<string, Record<string, unknown> | RegExp> = {
  service_deployed: { ...deployment, status: 'success' },
  service_upgraded: { ...deployment, status: 'success' },
  // A rollback is a failed deployment; its artifact is the version now running, not a commit.
  service_rolledback: { ...deployment, status: 'failure' },
  testsuiterun_finished: {
    type: 'ci_run',
    source: 'cdevents',
    id: 'testsuiterun:myTestSuiteRun123',
    service: '/event/source/123',
    name: 'Auth TestSuite',
    status: 'failure',
    startedAt: deployedAt,
    finishedAt: deployedAt,
    updatedAt: deployedAt,
  },
  pipelinerun_finished: {
    type: 'ci_run',
    source: 'cdevents',
    id: 'pipelinerun:mySubject123',
    service: 'myPipeline',
    name: 'myPipeline',
    status: 'failure',
    startedAt: deployedAt,
    finishedAt: deployedAt,
    url: 'https://www.example.com/mySubject123',
    updatedAt: deployedAt,
  },
  change_merged: /names no commit: send its sha as customData\.sha/,
  incident_detected: { ...incident, title: 'Response time above threshold of 100ms' },
  incident_reported: {
    ...incident,
    title: 'Response time above threshold of 100ms',
    severity: 'medium',
    url: 'https://my-issues.example/incidents/ticket-345',
  },
};
const strip = (o: object) => JSON.parse(JSON.stringify(o));

describe.each(['v0.4.1', 'v0.5.1'])('the CDEvents %s conformance examples', (version) => {
  it.each(Object.entries(expected))('maps %s as documented', async (name, want) => {
    const t = await translate(conformance(version, name));
    expect(t.issues).toEqual([]);
    if (want instanceof RegExp) {
      expect(t.events).toEqual([]);
      expect(t.ignored[0].reason).toMatch(want);
    } else {
      expect(t.events.map((e) => strip(e.event))).toEqual([want]);
      expect(nativeEvent.safeParse(t.events[0].event).success).toBe(true);
    }
  });

  it('updates the incident it opened when it is resolved, in one batch or from what was stored', async () => {
    const opened = conformance(version, 'incident_detected');
    const resolved = conformance(version, 'incident_resolved');
    const inOne = await translate([opened, resolved]);
    expect(strip(inOne.events[1].event)).toEqual({
      ...incident,
      title: 'Response time above threshold of 100ms',
      resolvedAt: '2022-11-11T13:52:20.079Z',
    });
    const stored = { ...incident, openedAt: '2022-11-11T12:00:00Z', severity: 'sev1' } as const;
    const later = await translate(resolved, { previousIncident: async (id) => (id === 'incident-123' ? stored : undefined) });
    expect(strip(later.events[0].event)).toEqual({
      ...stored,
      title: 'Response time restored below 100ms',
      resolvedAt: '2022-11-11T13:52:20.079Z',
    });
    const unknown = await translate(resolved);
    expect(unknown.events).toEqual([]);
    expect(unknown.ignored[0].reason).toMatch(/never saw it open: send its incident\.detected first, or customData\.openedAt/);
  });

  it('ignores every type it does not map, naming it, never refusing it', async () => {
    const dir = join(SPEC_DIR, version, 'conformance');
    const others = readdirSync(dir)
      .map((f) => f.replace(/\.json$/, ''))
      .filter((n) => !(n in expected) && n !== 'incident_resolved');
    expect(others.length).toBeGreaterThan(30);
    const t = await translate(others.map((n) => conformance(version, n)));
    expect(t.issues).toEqual([]);
    expect(t.events).toEqual([]);
    expect(t.ignored).toHaveLength(others.length);
    expect(t.ignored[0].reason).toMatch(/^Deming does not map \w+\.\w+ events$/);
  });
});

/** A conformance example as the tests spoil it. */
type Editable = {
  context: Record<string, unknown>;
  subject: { content: { environment: Record<string, unknown>; artifactId?: string } };
  customData?: unknown;
};

describe('CDEvents mapping rules', () => {
  const deployed = conformance('v0.5.1', 'service_deployed');
  const withCustom = (e: Record<string, unknown>, customData: unknown) => ({ ...e, customData });

  it('takes the service and the commit from customData first', async () => {
    const t = await translate(withCustom(deployed, { service: 'acme/web', sha: 'ABCDEF1234567890ABCDEF1234567890ABCDEF12', rework: true }));
    expect(t.events[0].event).toMatchObject({ service: 'acme/web', sha: 'abcdef1234567890abcdef1234567890abcdef12', rework: true });
  });

  it('takes the commit from the artifact purl when it carries one, never an image digest', async () => {
    const at = async (artifactId: string) => {
      const e = structuredClone(deployed) as { subject: { content: { artifactId: string } } };
      e.subject.content.artifactId = artifactId;
      return ((await translate(e)).events[0].event as { sha?: string }).sha;
    };
    const sha = '0123456789abcdef0123456789abcdef01234567';
    expect(await at(`pkg:oci/app@sha256%3A${'a'.repeat(64)}`)).toBeUndefined();
    expect(await at(`pkg:oci/app@${sha}`)).toBe(sha);
    expect(await at(`pkg:oci/app@1.2.3?vcs_ref=${sha.slice(0, 12)}`)).toBe(sha.slice(0, 12));
    expect(await at(`pkg:github/acme/web@v1?vcs_url=git%2Bhttps://github.com/acme/web.git%40${sha}`)).toBe(sha);
  });

  it('maps a merged change with its sha, and a numeric subject id as its pull request', async () => {
    const merged = { ...conformance('v0.5.1', 'change_merged'), subject: { id: '42', content: { repository: { id: 'acme/web' } } } };
    const t = await translate(withCustom(merged, { sha: 'abcdef1234567', committedAt: '2023-03-20T10:00:00Z' }));
    expect(strip(t.events[0].event)).toEqual({
      type: 'change',
      source: 'cdevents',
      service: 'acme/web',
      sha: 'abcdef1234567',
      committedAt: '2023-03-20T10:00:00Z',
      pullRequest: { number: 42, mergedAt: deployedAt, mergeSha: 'abcdef1234567' },
      updatedAt: deployedAt,
    });
    // The author time, which leadTimeFrom: author reads, when the producer sends it.
    const authored = await translate(
      withCustom(merged, { sha: 'abcdef1234567', committedAt: '2023-03-20T10:00:00Z', authoredAt: '2023-03-17T09:00:00Z' }),
    );
    expect(authored.events[0].event).toMatchObject({ committedAt: '2023-03-20T10:00:00Z', authoredAt: '2023-03-17T09:00:00Z' });
  });

  it('lets a report older than the stored incident only fill its gaps, and a newer one update it', async () => {
    const reported = (at: string, ticket: string) => {
      const e = structuredClone(conformance('v0.5.1', 'incident_reported')) as {
        context: { timestamp: string };
        subject: { content: { ticketURI: string } };
      };
      e.context.timestamp = at;
      e.subject.content.ticketURI = ticket;
      return e;
    };
    const stored = {
      ...incident,
      openedAt: '2022-11-11T12:00:00Z',
      resolvedAt: '2022-11-11T15:00:00Z',
      url: 'https://my-issues.example/t/2',
      updatedAt: '2022-11-11T15:00:00.000Z',
    };
    const previousIncident = async () => stored;
    const title = 'Response time above threshold of 100ms';
    // A replayed report from before the resolution: the ticket and the resolution stay, the severity it adds is taken.
    const late = await translate(reported('2022-11-11T13:00:00Z', 'https://my-issues.example/t/1'), { previousIncident });
    expect(strip(late.events[0].event)).toEqual({ ...stored, title, severity: 'medium' });
    const newer = await translate(reported('2022-11-11T16:00:00Z', 'https://my-issues.example/t/3'), { previousIncident });
    expect(strip(newer.events[0].event)).toEqual({
      ...stored,
      title,
      severity: 'medium',
      url: 'https://my-issues.example/t/3',
      updatedAt: '2022-11-11T16:00:00Z',
    });
  });

  it('ignores incidents outside production, saying how to count them', async () => {
    const t = await translate(conformance('v0.4.1', 'incident_detected'), { production: /^prod(uction)?$/i });
    expect(t.ignored[0].reason).toMatch(/environment "prod1", which is not production .*change the "production" pattern/);
  });

  it.each([
    [
      'a missing environment id',
      (e: Editable) => {
        delete e.subject.content.environment.id;
      },
      'subject.content.environment.id',
    ],
    [
      'a wrong context type',
      (e: Editable) => {
        e.context.type = 42;
      },
      'context.type',
    ],
    [
      'a timestamp without a zone',
      (e: Editable) => {
        e.context.timestamp = '2023-03-20T14:27:05';
      },
      'context.timestamp',
    ],
    [
      'a 0.4 subject without its type',
      (e: Editable) => {
        e.context = { ...e.context, version: '0.4.1', specversion: undefined };
      },
      'subject.type',
    ],
    [
      'an unsupported spec version',
      (e: Editable) => {
        e.context.specversion = '0.3.0';
      },
      'context.specversion',
    ],
    [
      'a customData sha that is not hex',
      (e: Editable) => {
        e.customData = { sha: 'main' };
      },
      'customData.sha',
    ],
  ])('names the failing path for %s', async (_name, spoil, path) => {
    const e = structuredClone(deployed) as unknown as Editable;
    spoil(e);
    const t = await translate(e);
    expect(t.issues[0].path).toBe(path);
  });

  it('names the event of a batch by its index', async () => {
    const bad = structuredClone(deployed) as unknown as Editable;
    delete bad.subject.content.artifactId;
    expect((await translate([deployed, bad])).issues).toEqual([{ path: '[1].subject.content.artifactId', message: expect.any(String) }]);
  });
});
