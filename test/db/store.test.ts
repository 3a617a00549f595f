import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, DeliveryRecordedAlready, type Store } from '../../db/store';
import { validateEvents } from '../../common/validate-events';
import { teamResolver } from '../../common/org';
import { deployment, change, sha } from '../helpers/factories';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): { store: Store; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'deming-store-'));
  dirs.push(dir);
  const file = join(dir, 'deming.db');
  const store = openStore(file);
  stores.push(store);
  return { store, file };
}

const opts = { production: /^prod/i, now: Date.parse('2026-06-01T00:00:00Z'), resolveTeam: teamResolver([]) };

describe('the SQLite store', () => {
  it('stores a batch with its cursor in one unit, and reads both back', async () => {
    const { store } = fresh();
    const r = await store.ingestBatch(validateEvents([deployment({ id: 'd1', service: 'acme/web' })]), {
      ...opts,
      cursors: [{ collector: 'git', resource: 'acme/web', cursor: '{"tips":[]}', etag: null }],
    });
    expect(r.accepted).toBe(1);
    expect((await store.getCursor('git', 'acme/web'))?.cursor).toBe('{"tips":[]}');
    expect(await store.findService('ACME/Web')).toMatchObject({ name: 'acme/web' });
    expect(await store.healthCounts()).toEqual({ events: 1, services: 1 });
  });

  it('keeps the other batches of a group when one is refused, and none when the delivery was recorded already', async () => {
    const { store } = fresh();
    const delivery = { source: 'github', deliveryId: 'g-1', event: 'push', at: opts.now };
    expect(await store.recordDelivery(delivery)).toBe(true);
    const outcomes = await store.ingestGroup([
      { events: validateEvents([deployment({ id: 'a', service: 'acme/a' })]), opts },
      { events: validateEvents([deployment({ id: 'b', service: 'acme/b' })]), opts: { ...opts, alsoStore: { delivery } } },
      { events: validateEvents([change({ sha: sha('c1'), service: 'acme/c' })]), opts },
    ]);
    expect(outcomes.map((o) => ('result' in o ? o.result.accepted : (o.error as Error).name))).toEqual([1, 'DeliveryRecordedAlready', 1]);
    expect((outcomes[1] as { error: unknown }).error).toBeInstanceOf(DeliveryRecordedAlready);
    // The refused batch's service was rolled back with it, and is not remembered as stored.
    expect((await store.listServices()).map((s) => s.name)).toEqual(['acme/a', 'acme/c']);
    const again = await store.ingestBatch(validateEvents([deployment({ id: 'b', service: 'acme/b' })]), opts);
    expect(again.accepted).toBe(1);
  });

  it('tells a subscriber which services a batch touched, until it unsubscribes', async () => {
    const { store } = fresh();
    const seen: number[][] = [];
    const stop = store.onServicesChanged((ids) => seen.push([...ids]));
    await store.ingestBatch(validateEvents([deployment({ id: 'd1', service: 'acme/web' })]), opts);
    stop();
    await store.ingestBatch(validateEvents([deployment({ id: 'd2', service: 'acme/api' })]), opts);
    const web = await store.findService('acme/web');
    expect(seen).toEqual([[web!.id]]);
  });

  it('keeps what it knows per store: two stores on two files do not share services or statements', async () => {
    const a = fresh().store,
      b = fresh().store;
    await a.ingestBatch(validateEvents([deployment({ id: 'd1', service: 'acme/web' })]), opts);
    await b.ingestBatch(validateEvents([deployment({ id: 'd1', service: 'other/svc' })]), opts);
    expect((await a.listServices()).map((s) => s.name)).toEqual(['acme/web']);
    expect((await b.listServices()).map((s) => s.name)).toEqual(['other/svc']);
    // The same event in the other store is new there, not a duplicate of the first.
    expect((await b.ingestBatch(validateEvents([deployment({ id: 'd1', service: 'acme/web' })]), opts)).updated).toBe(1);
  });

  it('backs up to a file another store opens with the same data', async () => {
    const { store } = fresh();
    await store.ingestBatch(validateEvents([deployment({ id: 'd1', service: 'acme/web' })]), opts);
    const copy = join(dirs[0], 'copy.db');
    await store.backup(copy);
    const other = openStore(copy);
    stores.push(other);
    expect(await other.healthCounts()).toEqual({ events: 1, services: 1 });
  });
});
