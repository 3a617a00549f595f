/**
 * The commit signal between instances on one PostgreSQL database (db/commit-feed.ts).
 *
 * Sending: {@link notifyCommit} runs `pg_notify` inside the writing transaction, so the notice is
 * delivered when, and only when, the transaction commits, after the rows are visible to every
 * other connection. A payload must stay under 8,000 bytes: a large batch is told in several
 * notices of one transaction, each a part of its services and counts.
 *
 * Hearing: {@link listenForCommits} keeps one connection of its own in `LISTEN`. When it is lost
 * (the server restarted, the network dropped, `pg_terminate_backend`), it says so, and connects
 * again after 0.25, 0.5, 1, 2, 4, 8 then every 15 s until it is back.
 */
import pg from 'pg';
import type { CommitFeedState, CommitNotice } from '../commit-feed';
import type { Queryable } from './sql';

/** The channel every instance of one database listens on. */
export const COMMIT_CHANNEL = 'deming_commits';
/** The listening connection's `application_name` (pg_stat_activity), followed by the instance. */
export const LISTEN_APPLICATION = 'deming-listen';
/** PostgreSQL refuses a payload of 8,000 bytes or more; this leaves room for the wrapper. */
const MAX_PAYLOAD = 7_500;
const RETRY_MS = [250, 500, 1000, 2000, 4000, 8000, 15000];

/** The wire form: short keys, counts as `[type, service, n]`. */
interface Wire {
  o: string;
  at: number;
  ids: number[];
  s: string[];
  c: [string, string, number][];
  sc?: string[];
  org?: 1;
}

/** What one commit tells, before it is split to fit. */
export type CommitTold = Omit<CommitNotice, 'origin'>;

/** The notices of one commit: one, or several parts of it when it would not fit in one payload. */
export function commitPayloads(origin: string, told: CommitTold): string[] {
  const fresh = (): Wire => ({ o: origin, at: told.at, ids: [], s: [], c: [], sc: [], ...(told.organisation ? { org: 1 as const } : {}) });
  const out: string[] = [];
  let part = fresh();
  let size = Buffer.byteLength(JSON.stringify(part));
  const add = <K extends 'ids' | 's' | 'c' | 'sc'>(key: K, item: NonNullable<Wire[K]>[number]) => {
    const n = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (size + n > MAX_PAYLOAD && part.ids.length + part.s.length + part.c.length + part.sc!.length > 0) {
      out.push(JSON.stringify(part));
      part = fresh();
      size = Buffer.byteLength(JSON.stringify(part));
    }
    (part[key] as NonNullable<Wire[K]>[number][]).push(item);
    size += n;
  };
  for (const id of told.serviceIds) add('ids', id);
  for (const s of told.services) add('s', s);
  for (const c of told.counts) add('c', [c.type, c.service, c.n]);
  for (const s of told.scopes) add('sc', s);
  out.push(JSON.stringify(part));
  return out;
}

/** Reads a notice; null when it is not one (another program on the channel). */
export function parseCommitPayload(payload: string | undefined): CommitNotice | null {
  try {
    const w = JSON.parse(payload ?? '') as Partial<Wire>;
    if (typeof w?.o !== 'string' || typeof w.at !== 'number' || !Array.isArray(w.ids) || !Array.isArray(w.s) || !Array.isArray(w.c))
      return null;
    return {
      origin: w.o,
      at: w.at,
      serviceIds: w.ids.filter((x): x is number => typeof x === 'number'),
      services: w.s.filter((x): x is string => typeof x === 'string'),
      counts: w.c.filter((x) => Array.isArray(x) && x.length === 3).map(([type, service, n]) => ({ type, service, n })),
      scopes: (w.sc ?? []).filter((x): x is string => typeof x === 'string'),
      organisation: w.org === 1,
    };
  } catch {
    return null;
  }
}

/** Tells every listening instance, when this transaction commits, what it changed. */
export async function notifyCommit(c: Queryable, origin: string, told: CommitTold): Promise<void> {
  if (told.serviceIds.length + told.services.length + told.counts.length + told.scopes.length === 0 && !told.organisation) return;
  for (const p of commitPayloads(origin, told)) await c.query('SELECT pg_notify($1, $2)', [COMMIT_CHANNEL, p]);
}

export interface CommitListenerOptions {
  /** The connection settings (the pool's). */
  connection: pg.ClientConfig;
  instance: string;
  onNotice(n: CommitNotice): void;
  /** The connection was lost (not called for a failed attempt to connect again). */
  onLost(error: string, retryInMs: number): void;
  /** Listening (again): `afterLoss` when it had been lost before. */
  onListening(afterLoss: boolean): void;
  /** Said of each failed attempt to listen again. */
  log?: (msg: string) => void;
  /** Waits before each new attempt, the last repeated (default 0.25 s doubling to 15 s). */
  retryMs?: number[];
}

export interface CommitListener {
  state(): CommitFeedState;
  /** Resolves once listening for the first time, or when closed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Keeps a connection in `LISTEN` on the commit channel, connecting again with back-off when it is lost. */
export function listenForCommits(o: CommitListenerOptions): CommitListener {
  const delays = o.retryMs ?? RETRY_MS;
  const state: CommitFeedState = { listening: false, since: null, lost: 0, error: null };
  let client: pg.Client | null = null;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  let everListened = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const schedule = () => {
    if (closed) return 0;
    const wait = delays[Math.min(attempt, delays.length - 1)];
    attempt++;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, wait);
    timer.unref();
    return wait;
  };

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ ...o.connection, application_name: `${LISTEN_APPLICATION} ${o.instance}`.slice(0, 63) });
    let gone = false;
    const lose = (e: Error | undefined) => {
      if (gone || closed) return;
      gone = true;
      if (client === c) client = null;
      const message = e?.message ?? 'the connection ended';
      state.error = message;
      if (state.listening) {
        state.listening = false;
        state.since = null;
        state.lost++;
        o.onLost(message, schedule());
      }
    };
    c.on('error', lose);
    c.on('end', () => lose(undefined));
    c.on('notification', (m) => {
      if (m.channel !== COMMIT_CHANNEL) return;
      const n = parseCommitPayload(m.payload);
      if (n && n.origin !== o.instance) o.onNotice(n);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${COMMIT_CHANNEL}`);
    } catch (e) {
      gone = true;
      c.removeAllListeners('end');
      c.on('error', () => {});
      await c.end().catch(() => {});
      state.error = (e as Error).message;
      if (!closed) o.log?.(`listening for other instances' commits failed (${state.error}); trying again in ${schedule() / 1000} s`);
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    attempt = 0;
    state.listening = true;
    state.since = Date.now();
    o.onListening(everListened);
    everListened = true;
    markReady();
  };
  void connect();

  return {
    state: () => ({ ...state }),
    ready,
    async close() {
      closed = true;
      markReady();
      if (timer) clearTimeout(timer);
      state.listening = false;
      const c = client;
      client = null;
      if (c) await c.end().catch(() => {});
    },
  };
}
