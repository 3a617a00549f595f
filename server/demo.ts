/** The generated demo organisation, loaded when the database is empty and nothing is configured. */
import type { Db } from '../db/connection';
import { ingestEvents, ingestTransaction, validateEvents } from '../db/ingest';
import { countServices, syncOrganisation, teamResolver } from '../db/queries/org';
import { getSetting, putSetting } from '../db/queries/settings';
import { generateDemo } from '../collectors/demo/generate';
import type { Config } from './config';

const DAY_MS = 86_400_000;

export function isDemo(db: Db): boolean {
  return getSetting(db, 'demo') === '1';
}

/** Whether this start should load the demo: `on`, or `auto` with an empty, unconfigured database. */
export function wantsDemo(db: Db, config: Config): boolean {
  if (config.demo === 'off') return false;
  if (config.demo === 'on') return !isDemo(db);
  return !config.hasSources && config.organisation.length === 0 && countServices(db) === 0;
}

/** Loads the demo (history up to the start of today, UTC) in one transaction; returns what it stored. */
export function seedDemoIfWanted(db: Db, config: Config, now: number): { events: number } | null {
  if (!wantsDemo(db, config)) return null;
  const demo = generateDemo({ now: Math.floor(now / DAY_MS) * DAY_MS, seed: 42 });
  const events = validateEvents(demo.events);
  ingestTransaction(db, () => {
    syncOrganisation(db, demo.organisation);
    ingestEvents(db, events, { production: config.production, now, resolveTeam: teamResolver(demo.organisation), defaultSource: 'demo' });
    putSetting(db, 'demo', '1');
  });
  return { events: events.length };
}
