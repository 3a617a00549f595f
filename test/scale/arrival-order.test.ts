/**
 * Found while building the scale benchmark: two deployments finishing at the same instant were
 * ordered by arrival (row id), so what each shipped and which one an incident was linked to
 * depended on the order events came in. They are now ordered by their event's source and id.
 */
import { describe, expect, it } from 'vitest';
import { ingest, tempDb } from '../helpers/db';
import { change, deployment, incident, sha } from '../helpers/factories';
import { metricsIn } from '../helpers/reads';
import type { NativeEventInput } from '../../common/events';

const WINDOW = { from: Date.parse('2026-03-01T00:00:00Z'), to: Date.parse('2026-03-08T00:00:00Z') };

async function figures(events: NativeEventInput[]) {
  const t = tempDb();
  try {
    ingest(t.db, events);
    return await metricsIn(t.db, 'org', WINDOW.from, WINDOW.to);
  } finally {
    t.cleanup();
  }
}

describe('two successful production deployments of one service finishing in the same second', () => {
  // Two production clusters ("eu" and "us") released by one workflow; timestamps have whole seconds.
  const eu = deployment({ id: 'eu', sha: sha('c2'), finishedAt: '2026-03-04T12:00:00Z' });
  const us = deployment({ id: 'us', sha: sha('c1'), finishedAt: '2026-03-04T12:00:00Z' });
  const rest: NativeEventInput[] = [
    change({ sha: sha('c1'), committedAt: '2026-03-01T00:00:00Z' }),
    change({ sha: sha('c2'), committedAt: '2026-03-02T00:00:00Z', parents: [sha('c1')] }),
    incident({ id: 'names-eu', deploymentId: 'eu', openedAt: '2026-03-04T13:00:00Z', resolvedAt: '2026-03-04T14:00:00Z' }),
    incident({ id: 'implicit', openedAt: '2026-03-05T13:00:00Z', resolvedAt: '2026-03-05T14:00:00Z' }),
  ];

  // Broken by arrival, eu first gave 2 failed of 2 and us first 1 of 2 (the implicit incident went
  // to whichever arrived last, and the commits to whichever arrived first).
  it('give the same change failure rate and lead times whichever arrived first', async () => {
    const euFirst = await figures([...rest.slice(0, 2), eu, us, ...rest.slice(2)]);
    const usFirst = await figures([...rest.slice(0, 2), us, eu, ...rest.slice(2)]);
    expect(usFirst.changeFailureRate).toEqual(euFirst.changeFailureRate);
    expect(usFirst.changeFailureRate.failed).toBe(2);
    expect(usFirst.leadTime).toEqual(euFirst.leadTime);
  });
});
