/**
 * SIGKILL of one of two instances in the middle of ingest (issue 23): every batch it answered 200
 * is in the database, each event exactly once; the other instance keeps serving; and a client
 * that posts the unanswered batches again to the survivor ends with every event stored once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeEventInput } from '../../common/events';
import { adminQuery } from '../helpers/postgres';
import { postEvents, provinceBatches, startInstances, type Instances } from '../helpers/instances';

const batches = provinceBatches(4, 2, 50);

let two: Instances;
beforeAll(async () => {
  two = await startInstances(2);
}, 120_000);
afterAll(() => two?.stop());

/** The key raw_events keeps an event under (as db/rows.ts keyOf: a change by its id or sha; the source api by default). */
const keyOf = (e: NativeEventInput) => `${e.type} ${e.source ?? 'api'} ${e.type === 'change' ? (e.id ?? e.sha) : e.id}`;

describe('an instance killed mid-ingest', () => {
  it('loses no acknowledged event, and the other keeps serving', async () => {
    const [victim, survivor] = two.servers;
    const acknowledged: NativeEventInput[][] = [];
    const unanswered: NativeEventInput[][] = [];
    let victimAcks = 0;
    let next = 0;
    // Three clients post batches in turn to the two instances; the victim dies after it answered a few.
    const client = async (lane: number) => {
      while (next < batches.length) {
        const batch = batches[next++];
        const target = (next + lane) % 2 === 0 ? victim : survivor;
        try {
          const r = await postEvents(target, batch);
          if (r.status === 200) {
            acknowledged.push(batch);
            if (target === victim && ++victimAcks === 5) victim.child.kill('SIGKILL');
          } else unanswered.push(batch);
        } catch {
          unanswered.push(batch); // the connection dropped with the process
        }
      }
    };
    await Promise.all([0, 1, 2].map(client));
    expect(await victim.exited).toBeNull();
    expect(victim.child.signalCode).toBe('SIGKILL');
    expect(victimAcks).toBeGreaterThanOrEqual(5);

    const stored = async () =>
      new Map(
        (
          await adminQuery(
            two.db.url,
            "SELECT type || ' ' || source || ' ' || event_id AS key, count(*)::int AS n FROM raw_events GROUP BY type, source, event_id",
          )
        ).rows.map((r: { key: string; n: number }) => [r.key, r.n]),
      );
    const after = await stored();
    const acked = acknowledged.flat();
    expect(acked.filter((e) => after.get(keyOf(e)) !== 1)).toEqual([]);
    expect([...after.values()].filter((n) => n !== 1)).toEqual([]);

    // The survivor serves: health, and the batches the victim never answered, posted again.
    expect((await (await fetch(`${survivor.url}/api/v1/health`)).json()).status).toBe('ok');
    for (const batch of unanswered) expect((await postEvents(survivor, batch)).status).toBe(200);
    const all = await stored();
    expect(all.size).toBe(batches.flat().length);
    expect([...all.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);
});
