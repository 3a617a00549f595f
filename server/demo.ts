/** The generated demo organisation, loaded when the database is empty and nothing is configured. */
import type { Store } from '../db/store';
import { generateDemo } from '../collectors/demo/generate';
import type { Config } from './config';
import { createIngest } from './ingest';

const DAY_MS = 86_400_000;

export async function isDemo(store: Pick<Store, 'getSetting'>): Promise<boolean> {
  return (await store.getSetting('demo')) === '1';
}

/** Whether this start should load the demo: `on`, or `auto` with an empty, unconfigured database. */
export async function wantsDemo(store: Pick<Store, 'getSetting' | 'countServices'>, config: Config): Promise<boolean> {
  if (config.demo === 'off') return false;
  if (config.demo === 'on') return !(await isDemo(store));
  return !config.hasSources && config.organisation.length === 0 && (await store.countServices()) === 0;
}

/**
 * Loads the demo (history up to the start of today, UTC): its organisation, events and loops (planned and
 * acted on through the same units of work as the API, so the audit trail has them) in one transaction; returns what it stored.
 */
export async function seedDemoIfWanted(store: Store, config: Config, now: number): Promise<{ events: number } | null> {
  if (!(await wantsDemo(store, config))) return null;
  const demo = generateDemo({ now: Math.floor(now / DAY_MS) * DAY_MS, seed: 42 });
  // The one ingest path, with the demo's own organisation; the store's seedDemo unit stores the
  // organisation, the events, the loops and the demo mark in one transaction.
  const ingest = createIngest({
    store,
    config: { production: config.production, organisation: demo.organisation, limits: config.limits },
    now: () => now,
    log: () => {},
  });
  const stored = await ingest.storeWith({ events: demo.events, defaultSource: 'demo' }, (events, opts) =>
    store.seedDemo(demo.organisation, events, opts, demo.loops),
  );
  return { events: stored.accepted + stored.updated + stored.unchanged };
}
