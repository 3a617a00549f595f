/**
 * Two instances ingesting the same services at once give the database one instance gives
 * (issue 23): deployments linked to what they shipped, the commit graph, pull requests, keys.
 * Every batch (out of time order, each naming several services) is posted to both instances at
 * the same moment, two batches in flight, so both write the same keys and the same services'
 * links concurrently; a third instance on its own database stores the batches one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../helpers/postgres';
import { dumpIngested, postEvents, provinceBatches, startInstances, type Instances } from '../helpers/instances';

const batches = provinceBatches(3, 2, 40);

let two: Instances;
let one: Instances;
beforeAll(async () => {
  [two, one] = await Promise.all([startInstances(2), startInstances(1)]);
}, 120_000);
afterAll(async () => {
  await Promise.all([two?.stop(), one?.stop()]);
});

describe('two writers on one database', () => {
  it('store what one writer stores, linked the same', async () => {
    const [a, b] = two.servers;
    const answers: { status: number; body: unknown }[] = [];
    let next = 0;
    const lane = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        answers.push(...(await Promise.all([postEvents(a, batch), postEvents(b, batch)])));
      }
    };
    await Promise.all([lane(), lane()]);
    for (const batch of batches) expect((await postEvents(one.servers[0], batch)).status).toBe(200);

    expect(answers.filter((x) => x.status !== 200)).toEqual([]);
    // Each event was accepted by one of the two instances, and found unchanged by the other.
    const events = batches.reduce((n, x) => n + x.length, 0);
    const accepted = answers.reduce((n, x) => n + (x.body as { accepted: number }).accepted, 0);
    expect(accepted).toBe(events);
    const [concurrent, single] = await Promise.all([dumpIngested(two.db.url), dumpIngested(one.db.url)]);
    expect(single.shipped.length).toBeGreaterThan(100);
    expect(single.parents.length).toBeGreaterThan(100);
    expect(concurrent).toEqual(single);
    // And the figures both instances answer are the single writer's.
    const figures = async (url: string) =>
      (await fetch(`${url}/api/v1/metrics?scope=org&from=2025-10-01&to=2026-01-01`)).json() as Promise<unknown>;
    const reference = await figures(one.servers[0].url);
    expect(await figures(a.url)).toEqual(reference);
    expect(await figures(b.url)).toEqual(reference);
  }, 120_000);

  it('decide a key posted to both at once for two services as one writer would: new, then changed', async () => {
    const [a, b] = two.servers;
    const deployment = (id: string, service: string) => ({
      type: 'deployment',
      id,
      service,
      environment: 'production',
      status: 'success',
      sha: 'f'.repeat(40),
      finishedAt: '2025-12-30T12:00:00Z',
    });
    // Each instance holds a different service's lock: only the keys' compare-and-set can see the other.
    const ids = Array.from({ length: 20 }, (_, i) => `moved-${i}`);
    const answers = await Promise.all(
      ids.map((id) => Promise.all([postEvents(a, [deployment(id, 'race/one')]), postEvents(b, [deployment(id, 'race/two')])])),
    );
    for (const pair of answers) {
      const sum = pair.reduce(
        (t, x) => {
          const body = x.body as { accepted: number; updated: number };
          return { accepted: t.accepted + body.accepted, updated: t.updated + body.updated };
        },
        { accepted: 0, updated: 0 },
      );
      expect(sum).toEqual({ accepted: 1, updated: 1 });
    }
    const keys = await adminQuery(two.db.url, "SELECT event_id, version FROM event_keys WHERE event_id LIKE 'moved-%'");
    expect(keys.rows.map((r: { version: number }) => r.version)).toEqual(ids.map(() => 1));
  }, 60_000);
});
