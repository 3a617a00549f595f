/** The generated demo organisation, loaded when the database is empty and nothing is configured. */
import type { Db } from '../db/connection';
import { ingestTransaction } from '../db/ingest';
import { countServices, syncOrganisation } from '../db/queries/org';
import { getSetting, putSetting } from '../db/queries/settings';
import { generateDemo } from '../collectors/demo/generate';
import type { Config } from './config';
import { createIngest } from './ingest';
import { patchLoop, planLoop } from '../db/queries/loops';
import type { DemoLoop } from '../collectors/demo/loops';

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
  // The one ingest path, with the demo's own organisation; the organisation, the events and the
  // demo mark are stored in one transaction.
  const ingest = createIngest({ db, config: { production: config.production, organisation: demo.organisation, limits: config.limits }, now: () => now, log: () => {} });
  const stored = ingestTransaction(db, () => {
    syncOrganisation(db, demo.organisation);
    const r = ingest.storeNow({ events: demo.events, defaultSource: 'demo' });
    seedDemoLoops(db, demo.loops);
    putSetting(db, 'demo', '1');
    return r;
  });
  return { events: stored.accepted + stored.updated + stored.unchanged };
}

/** The demo's planned loops, each planned and acted on through the same units of work as the API, so the audit trail has them. */
function seedDemoLoops(db: Db, loops: readonly DemoLoop[]): void {
  for (const l of loops) {
    const planned = planLoop(db, { scope: l.scope, name: l.name, fromAt: l.from, toAt: l.to, createdAt: l.plannedAt,
      planMetric: l.plan.metric, planTarget: l.plan.target, planHypothesis: l.plan.hypothesis }, l.actor);
    if (!planned.ok) throw new Error(`demo loop "${l.name}" was not stored: ${planned.reason}`);
    const act = l.act;
    if (act) patchLoop(db, planned.loop.id, (b) => ({ ...b, actDecision: act.decision, actNotes: act.notes, actDecidedAt: act.at }), 'act', l.actor, act.at);
  }
}
