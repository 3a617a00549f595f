import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, startTestServer } from '../../helpers/server';
import { conformance } from './spec';

let s: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  // The conformance incidents happen in "prod1": count environments that start with "prod".
  const config = join(mkdtempSync(join(tmpdir(), 'deming-cdevents-')), 'deming.config.yaml');
  writeFileSync(config, 'production: "^prod"\n');
  s = await startTestServer({ DEMING_CONFIG: config }, () => Date.parse('2023-03-21T00:00:00Z'));
});
afterAll(async () => {
  await s.stop();
});

const url = () => `${s.url}/api/v1/cdevents`;
const stored = () =>
  s.db
    .prepare(
      `SELECT (SELECT count(*) FROM raw_events) AS raw, (SELECT count(*) FROM deployments) AS deployments,
  (SELECT count(*) FROM incidents) AS incidents, (SELECT count(*) FROM ci_runs) AS ciRuns`,
    )
    .get() as Record<string, number>;
const sha = '0123456789abcdef0123456789abcdef01234567';

describe('POST /api/v1/cdevents', () => {
  it.each(['v0.4.1', 'v0.5.1'])('accepts every mapped %s conformance example', async (version) => {
    for (const name of [
      'service_deployed',
      'service_upgraded',
      'service_rolledback',
      'testsuiterun_finished',
      'pipelinerun_finished',
      'incident_detected',
      'incident_reported',
      'incident_resolved',
    ]) {
      const r = await post(url(), conformance(version, name));
      expect(r.status, name).toBe(200);
      expect(r.body.ignored, name).toBe(0);
    }
    const merged = await post(url(), conformance(version, 'change_merged'));
    expect(merged).toMatchObject({
      status: 202,
      body: { accepted: 0, ignored: 1, ignoredEvents: [{ at: '(body)', type: expect.stringMatching(/change\.merged/) }] },
    });
    const incident = s.db
      .prepare(
        "SELECT opened_at AS openedAt, resolved_at AS resolvedAt, severity FROM incidents WHERE source = 'cdevents' AND ext_id = 'incident-123'",
      )
      .get();
    expect(incident).toEqual({
      openedAt: Date.parse('2022-11-11T13:52:20.079Z'),
      resolvedAt: Date.parse('2022-11-11T13:52:20.079Z'),
      severity: 'medium',
    });
  });

  it('answers 202 with the count of ignored types, storing nothing', async () => {
    const before = stored();
    const r = await post(url(), [
      conformance('v0.5.1', 'artifact_published'),
      conformance('v0.4.1', 'build_finished'),
      { context: { type: 'com.example.other' }, subject: {} },
    ]);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ accepted: 0, ignored: 3 });
    expect(stored()).toEqual(before);
  });

  it('takes structured CloudEvents, a CloudEvents batch and binary mode', async () => {
    const cdevent = conformance('v0.5.1', 'service_deployed') as { context: Record<string, string>; subject: object };
    const envelope = (id: string) => ({
      specversion: '1.0',
      id,
      source: '/ci/deploy',
      type: 'dev.cdevents.service.deployed.0.3.0',
      time: '2023-03-20T15:00:00Z',
      datacontenttype: 'application/json',
      data: { subject: cdevent.subject, customData: { service: 'acme/ce', sha } },
    });
    expect((await post(url(), envelope('ce-1'), { 'content-type': 'application/cloudevents+json' })).body).toMatchObject({ accepted: 1 });
    expect(
      (
        await post(
          url(),
          [
            envelope('ce-2'),
            {
              ...envelope('ce-3'),
              data: { ...cdevent, context: { ...cdevent.context, id: 'ce-3' }, customData: { service: 'acme/ce', sha } },
            },
          ],
          { 'content-type': 'application/cloudevents-batch+json' },
        )
      ).body,
    ).toMatchObject({ accepted: 2 });
    const binary = await post(
      url(),
      { subject: cdevent.subject, customData: { service: 'acme/ce', sha } },
      {
        'ce-specversion': '1.0',
        'ce-id': 'ce-4',
        'ce-source': '/ci/deploy',
        'ce-type': 'dev.cdevents.service.deployed.0.2.0',
        'ce-time': '2023-03-20T16:00:00Z',
      },
    );
    expect(binary.status).toBe(400); // a 0.4 event (type 0.2.0) needs subject.type
    expect(binary.body.error.details[0].path).toBe('subject.type');
    const fixed = await post(
      url(),
      { subject: { ...cdevent.subject, type: 'service' }, customData: { service: 'acme/ce', sha } },
      {
        'ce-specversion': '1.0',
        'ce-id': 'ce-4',
        'ce-source': '/ci/deploy',
        'ce-type': 'dev.cdevents.service.deployed.0.2.0',
        'ce-time': '2023-03-20T16:00:00Z',
      },
    );
    expect(fixed.body).toMatchObject({ accepted: 1 });
    const rows = s.db
      .prepare(
        "SELECT ext_id AS id, sha, finished_at AS finishedAt FROM deployments d JOIN services sv ON sv.id = d.service_id WHERE sv.name = 'acme/ce' ORDER BY ext_id",
      )
      .all();
    expect(rows).toEqual([
      { id: 'ce-1', sha, finishedAt: Date.parse('2023-03-20T15:00:00Z') },
      { id: 'ce-2', sha, finishedAt: Date.parse('2023-03-20T15:00:00Z') },
      { id: 'ce-3', sha, finishedAt: Date.parse('2023-03-20T14:27:05.315Z') }, // the CDEvent's own context wins
      { id: 'ce-4', sha, finishedAt: Date.parse('2023-03-20T16:00:00Z') },
    ]);
  });

  it('names the header that is wrong in binary mode', async () => {
    const r = await post(
      url(),
      { subject: { id: 'x', content: { environment: { id: 'prod' }, artifactId: 'pkg:oci/x@1' } } },
      {
        'ce-specversion': '1.0',
        'ce-id': 'b-1',
        'ce-source': '/ci',
        'ce-type': 'dev.cdevents.service.deployed.0.3.0',
        'ce-time': 'yesterday',
      },
    );
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toBe('ce-time');
  });

  it('refuses a batch with one invalid event as a whole, naming the path', async () => {
    const before = stored();
    const bad = structuredClone(conformance('v0.5.1', 'service_deployed')) as {
      subject: { content: { environment: Record<string, unknown> } };
    };
    delete bad.subject.content.environment.id;
    const r = await post(url(), [conformance('v0.4.1', 'service_deployed'), bad]);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_cdevent');
    expect(r.body.error.message).toMatch(/^\[1\]\.subject\.content\.environment\.id: /);
    expect(r.body.error.message).toMatch(/Nothing was stored/);
    expect(stored()).toEqual(before);
  });

  it('refuses other media types with 415 and malformed JSON with 400', async () => {
    expect((await post(url(), 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(url(), '{"context":', {})).body.error.code).toBe('malformed_json');
  });

  it('moves the metrics: a detected then resolved incident gives its time to restore', async () => {
    const example = conformance('v0.5.1', 'incident_detected') as { context: object; subject: object };
    const detected = { ...example, subject: { ...example.subject, id: 'INC-7' }, customData: { service: 'acme/ttr' } };
    const resolved = {
      ...detected,
      context: { ...example.context, id: 'r-7', type: 'dev.cdevents.incident.resolved.0.3.0', timestamp: '2022-11-11T14:22:20.079Z' },
    };
    expect((await post(url(), detected)).status).toBe(200);
    expect((await post(url(), resolved)).body).toMatchObject({ accepted: 0, updated: 1 });
    const m = await get(`${s.url}/api/v1/metrics?scope=service:acme/ttr&from=2022-11-01&to=2022-12-01`);
    expect(m.body.timeToRestore).toMatchObject({ count: 1, p50: 1800 });
  });
});
