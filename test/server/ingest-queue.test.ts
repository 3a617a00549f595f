import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngestQueue } from '../../server/ingest-queue';
import { validateEvents } from '../../common/validate-events';
import { PRODUCTION, tempStore } from '../helpers/db';
import { deployment } from '../helpers/factories';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.cleanup());

const opts = { production: PRODUCTION, resolveTeam: () => null };
const count = () => (t.raw.prepare('SELECT count(*) AS n FROM deployments').get() as { n: number }).n;

describe('group commit', () => {
  it('stores requests that arrive together in one transaction, each all or nothing', async () => {
    let clock = 1000;
    const q = createIngestQueue(t.store, () => clock++);
    // A fault in storage for one service only: its batch must roll back alone.
    t.raw.exec(`CREATE TRIGGER refuse BEFORE INSERT ON deployments WHEN (SELECT name FROM services WHERE id = NEW.service_id) = 'bad/one'
      BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);
    const a = q.submit(validateEvents([deployment({ service: 'good/a' }), deployment({ service: 'good/a' })]), opts);
    const b = q.submit(validateEvents([deployment({ service: 'good/b' }), deployment({ service: 'bad/one' })]), opts);
    const c = q.submit(validateEvents([deployment({ service: 'good/c' })]), opts);
    const [ra, rb, rc] = await Promise.allSettled([a, b, c]);
    expect(ra).toMatchObject({ status: 'fulfilled', value: { result: { accepted: 2 } } });
    expect(rb).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: 'disk trouble' }) });
    expect(rc).toMatchObject({ status: 'fulfilled', value: { result: { accepted: 1 } } });
    // One group, one commit time.
    expect((ra as PromiseFulfilledResult<{ at: number }>).value.at).toBe((rc as PromiseFulfilledResult<{ at: number }>).value.at);
    expect(count()).toBe(3);
    expect(t.raw.prepare("SELECT count(*) AS n FROM services WHERE name IN ('good/b', 'bad/one')").get()).toEqual({ n: 0 });
  });

  it('commits requests that arrive later in a later group', async () => {
    const q = createIngestQueue(t.store, () => Date.now());
    await q.submit(validateEvents([deployment()]), opts);
    await q.submit(validateEvents([deployment()]), opts);
    expect(count()).toBe(2);
  });
});
