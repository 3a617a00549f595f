/**
 * Two instances ingesting the same services at once give the database one instance gives
 * (issue 23): deployments linked to what they shipped, the commit graph, pull requests, keys.
 * Every batch (out of time order, each naming several services) is posted to both instances at
 * the same moment, two batches in flight, so both write the same keys and the same services'
 * links concurrently; a third instance on its own database stores the batches one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
