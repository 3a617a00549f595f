/** Starts Deming: database, demo data when empty, HTTP and socket.io, and a clean stop. */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../db/store';
import { openConfiguredStore } from '../db/open';
import { createApp } from './app';
import { createAuthenticator, isLoopback, type Authenticator } from './auth';
import { createDoor } from './door';
import { createSessionStore } from './sessions';
import { createSignInGuard } from './rate-limit';
import { createIngestQueue } from './ingest-queue';
import { createIngest } from './ingest';
import { ConfigError, type Config } from './config';
import type { AppContext } from './context';
import { createLiveHub, type LiveHub } from './live';
import { isDemo, seedDemoIfWanted } from './demo';
import type { CollectorScheduler } from './collectors/scheduler';
import { instanceName, startLeadingCollectors } from './collectors/leader';
import { reconcileIncidents } from '../collectors/incidents/reconcile';
import { createStatusBoard } from './collectors/status';
import { remapConfiguredSources } from './collectors/declared';
import { createReadState } from './read/state';
import { keepSummariesCurrent, prepareSummaries } from './read';
import { factSnapshotFile, keepFacts, loadFacts } from './metrics/fact-snapshot';

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  ctx: AppContext;
  http: Server;
  live: LiveHub;
  /** The in-server collector schedule (GitHub). */
  collectors: CollectorScheduler;
  close(): Promise<void>;
}

export interface StartOptions {
  now?: () => number;
  log?: (msg: string, err?: unknown) => void;
  /** How often open live connections are checked again (default 30 s). */
  liveRecheckMs?: number;
}

/** The roles that write (everything but viewer) held by address alone, with no credential. */
export function openWriteRoles(auth: Authenticator): string[] {
  return auth.loopbackRoles.filter((r) => r !== 'viewer');
}

/**
 * Stored deployments follow the production pattern configured now (DESIGN.md, "production"):
 * when it changed since the last start, they are re-evaluated and re-linked before anything is served.
 */
async function reevaluateProductionAtStart(
  store: Pick<Store, 'reevaluateProduction'>,
  production: RegExp,
  log: (msg: string) => void,
): Promise<void> {
  const r = await store.reevaluateProduction(production);
  if (r.previous !== null && r.previous !== r.pattern) {
    log(
      `production pattern changed from ${r.previous} to ${r.pattern}: ${r.changed} stored deployments re-evaluated, ${r.services} services linked again`,
    );
  }
}

/** Opens everything and listens; the returned handle closes it all again. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const oidcRoles = config.oidc ? [...Object.values(config.oidc.roles), ...(config.oidc.defaultRole ? [config.oidc.defaultRole] : [])] : [];
  const door = createDoor(config);
  const authSettings = {
    tokens: config.tokens,
    grantable: [...config.users.map((u) => u.role), ...oidcRoles],
    loopbackRoles: config.loopbackRoles,
    door,
  };
  if (!isLoopback(config.host) && config.host !== 'localhost' && !createAuthenticator(authSettings).configured('viewer')) {
    throw new ConfigError(
      `Refusing to listen on ${config.host} without viewer auth: anyone on the network could read the figures. Set DEMING_VIEWER_TOKEN (or auth.tokens or auth.users in the config), or listen on 127.0.0.1.`,
    );
  }
  const log = opts.log ?? ((msg: string, err?: unknown) => console.error(`[deming] ${msg}`, err ?? ''));
  const openWrites = openWriteRoles(createAuthenticator(authSettings));
  if (openWrites.length > 0) {
    log(
      `warning: ${openWrites.join(', ')} ${openWrites.length > 1 ? 'are' : 'is'} open without a credential to clients on this machine (${config.loopbackRolesConfigured ? 'auth.loopbackRoles' : 'the zero-config local start'}). ` +
        'Before putting Deming behind a proxy or on a network, configure tokens or users and see SECURITY.md.',
    );
  }
  const now = opts.now ?? Date.now;
  // PostgreSQL unreachable at start: waited for with back-off, said each time, rather than a crash loop.
  // On SQLite the integrity check runs beside the server (db/integrity.ts): it reads the whole file, minutes when it is large.
  const store = await openConfiguredStore(config, {
    now,
    retry: { log },
    log: (m) => log(`database: ${m}`),
    checkInBackground: true,
    listen: true,
  });
  await reevaluateProductionAtStart(store, config.production, log);
  if (config.organisation.length > 0) await store.syncOrganisation(config.organisation);
  const seeded = await seedDemoIfWanted(store, config, now());
  // The demo mark is set only here, at the start (before anything is served).
  const demo = await isDemo(store);
  if (seeded)
    log(`empty database: loaded the demo organisation (${seeded.events} events); configure a source or send events to use your own data`);

  const sessions = createSessionStore(store, config, now);
  const signIn = createSignInGuard({ attempts: config.limits.signInAttempts, lockMs: config.limits.signInLockMs, now, store });
  const auth = createAuthenticator({ ...authSettings, signIn }, sessions);
  const ingestQueue = createIngestQueue(store, now);
  const reads = createReadState(store);
  const ctx: AppContext = {
    store,
    config,
    auth,
    sessions,
    now,
    log,
    demo: () => demo,
    ingestQueue,
    reads,
    collectorStatus: createStatusBoard({ store, config }),
    ingest: createIngest({ store, config, now, log, queue: ingestQueue, live: () => ctx.live, rooms: (names) => reads.org.roomsOf(names) }),
  };
  // Deployments stored under a source's earlier declared environments are sent again as it declares them now.
  await remapConfiguredSources(
    store,
    config,
    (events) => ctx.ingest.storeNow({ events, outOfRange: 'skip', logAs: 'declared environments' }),
    log,
  );
  const app = createApp(ctx);
  const http = createHttpServer(app);
  const live = createLiveHub(http, auth, { org: reads.org, limits: config.limits, recheckMs: opts.liveRecheckMs });
  ctx.live = live;
  const unhear = hearOtherInstances(ctx, live);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  // Incidents kept from their sources are decided again under this configuration: a mapping added moves them to their service.
  await reconcileIncidents(
    store,
    config.incidents.models,
    (events, write) => ctx.ingest.storeNow({ events, alsoStore: { incidents: write }, outOfRange: 'skip', logAs: 'incidents' }),
    now(),
  ).catch((e: unknown) => log('incidents: deciding the kept incidents again failed; they stay as they were', e));
  // On PostgreSQL, one instance of several runs them: the holder of the collectors' lock.
  const collectors = (ctx.collectors = startLeadingCollectors(ctx, {
    owner: instanceName(port),
    retryMs: config.postgres?.collectorRetryMs,
  }));
  // Builds every service's metric facts in the background, so the first dashboards answer from
  // memory: from the copy kept at the last close or build (server/metrics/fact-snapshot.ts) for
  // the services unchanged since, then the rest from the store; and keeps it again once built.
  let closing = false;
  ctx.stopping = () => closing;
  const building = (ctx.building = new Set(['facts', 'keys']));
  // Kept beside the SQLite file only: on PostgreSQL a start builds from the database.
  const factsFile = config.postgres ? null : factSnapshotFile(config.dbFile);
  const keysFile = factsFile && `${config.dbFile}-keys.snapshot`;
  const keepFactsNow = async () => {
    if (!factsFile) return;
    const kept = await keepFacts(reads.facts, store, factsFile, config.leadTimeFrom, reads.summaryWindows.get());
    if (kept !== null) log(`metrics: kept the facts of ${kept} services in ${factsFile} for the next start`);
  };
  const warming = (async () => {
    if (factsFile) {
      const t0 = performance.now();
      const loaded = await loadFacts(reads.facts, store, factsFile, config.leadTimeFrom);
      if ('problem' in loaded) {
        if (loaded.problem !== 'there is none')
          log(`metrics: not using the facts kept in ${factsFile}: ${loaded.problem}; building every service`);
      } else
        log(
          `metrics: loaded the facts of ${loaded.taken} services from ${factsFile} in ${Math.round(performance.now() - t0)} ms; ${loaded.changed} changed since, built again`,
        );
      // The summaries asked for before this start: computed again once the facts are held (server/read/summary.ts), and kept again.
      for (const [from, to] of [...loaded.summaries].reverse()) reads.summaryWindows.add(from, to);
    }
    const org = await reads.org.current();
    const built = reads.facts.builds;
    await reads.facts.warm(
      org.services.map((s) => s.id),
      { stopped: () => closing },
    );
    // Keep what was built, when anything was (a start from a whole copy has nothing new to keep).
    if (!closing && reads.facts.builds > built) await keepFactsNow();
  })()
    .catch((e: Error) => log(`metrics: building the fact index failed (${e.message}); figures are built on demand instead`))
    .finally(() => building.delete('facts'));
  const preparing = warming
    .then(async () => {
      const t0 = performance.now();
      const n = await prepareSummaries(ctx, reads.summaryWindows.get(), () => closing);
      if (n > 0)
        log(
          `metrics: prepared the summary of ${n} window${n === 1 ? '' : 's'} asked for before this start in ${Math.round(performance.now() - t0)} ms`,
        );
    })
    .catch((e: Error) => log(`metrics: preparing the summaries last asked for failed (${e.message}); they are computed when asked`));
  // And kept current after writes (1 s after one, at most every 30 s under steady ingest).
  const stopKeepingSummaries = keepSummariesCurrent(ctx, preparing, { quietMs: 1000, spacingMs: 30_000 });
  // And the idempotency keys' index, so the first batch after a start does not build it.
  const warmingKeys = store
    .warmKeyIndex({ stopped: () => closing, ...(keysFile ? { snapshot: keysFile } : {}) })
    .then((problem) => {
      if (problem && problem !== 'there is none')
        log(`ingest: not using the key index kept in ${keysFile}: ${problem}; read it from the file`);
    })
    .catch((e: Error) => log(`ingest: building the key index failed (${e.message}); the first batch builds it instead`))
    .finally(() => building.delete('keys'));
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    store,
    ctx,
    http,
    live,
    collectors,
    async close() {
      closing = true;
      await collectors.stop();
      await warming;
      await preparing;
      await stopKeepingSummaries();
      await warmingKeys;
      // What was built is kept for the next start (a failure to keep it costs only that start's building).
      await keepFactsNow().catch((e: Error) => log(`metrics: keeping the facts for the next start failed (${e.message})`));
      if (keysFile)
        await store
          .keepKeyIndex(keysFile)
          .catch((e: Error) => log(`ingest: keeping the key index for the next start failed (${e.message})`));
      // Stop accepting, let requests in flight finish, then close the database.
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      unhear();
      await live.close();
      await closed;
      reads.close();
      await store.close();
    },
  };
}

/**
 * Several instances on one PostgreSQL database (issue 23): a commit by another instance reaches
 * this one's live clients as its own do (coalesced per room by this hub, which is the only one
 * that pushes to them), after the store has dropped what it touched; a lost connection to the
 * others drops every figure held. Nothing to do on SQLite. Returns the unsubscribe.
 */
function hearOtherInstances(ctx: AppContext, live: LiveHub): () => void {
  const feed = ctx.store.commits;
  if (!feed) return () => {};
  const offCommit = feed.onCommit((n) => {
    if (n.services.length === 0 && n.scopes.length === 0) return;
    ctx.reads.org.roomsOf(n.services).then(
      (rooms) => live.ingested(n.at, n.counts, [...new Set([...rooms, ...n.scopes])]),
      (e: unknown) => ctx.log("live: telling clients of another instance's batch failed", e),
    );
  });
  const offLost = feed.onLost(() => ctx.reads.facts.clear());
  return () => {
    offCommit();
    offLost();
  };
}
