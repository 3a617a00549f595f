import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstances, type Instances } from '../helpers/instances';
import { scenarioEvents } from '../helpers/scenario';

/** Two real Deming processes on one real PostgreSQL database (issue 23). */
describe('two instances on one PostgreSQL database', () => {
  let two: Instances;
  beforeAll(async () => {
    two = await startInstances(2);
  });
  afterAll(() => two?.stop());

  it('stores a batch once, whichever instance it is posted to again', async () => {
    const [a, b] = two.servers;
    const events = scenarioEvents();
    const first = await fetch(`${a.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(first.status).toBe(200);
    // The same batch again through the other instance: the idempotency keys are the database's.
    const again = await fetch(`${b.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(again.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: events.length, updated: 0, unchanged: 0 });
    expect(await again.json()).toEqual({ accepted: 0, updated: 0, unchanged: events.length });
  });
});
