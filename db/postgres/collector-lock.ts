/**
 * The collectors' lock across instances on one PostgreSQL database (issue 23): a session-level
 * advisory lock held by a connection of its own, kept open while this process runs the
 * collectors. When the process dies its connection drops and PostgreSQL releases the lock at
 * once; another instance, trying again on its interval, takes it and resumes from the committed
 * cursors. The connection names its holder (`application_name`), so a refused `collect` can say
 * which instance holds it (pg_locks joined to pg_stat_activity, which shows the name to any role).
 */
import pg from 'pg';
import type { CollectorLock, CollectorLockHolder } from '../store';

/** The lock's two keys: "DEMI" (as the service locks of ingest) and "COLL". */
const LOCK_CLASS = 0x44454d49 | 0;
const LOCK_ID = 0x434f4c4c | 0;

/** The holder's name, as `application_name` carries it (PostgreSQL keeps 63 bytes). */
const APP_PREFIX = 'deming collectors: ';

/**
 * A lost node (not a killed process: its kernel closes the socket) is noticed by PostgreSQL's
 * keepalives: these make it 10 s idle, then 3 probes 5 s apart (about 25 s), instead of the
 * system's default of two hours.
 */
const KEEPALIVE = ['SET tcp_keepalives_idle = 10', 'SET tcp_keepalives_interval = 5', 'SET tcp_keepalives_count = 3'];

export function postgresCollectorLock(pool: pg.Pool, owner: string): CollectorLock {
  let client: pg.Client | null = null;
  let held = false;
  const lost = new Set<() => void>();

  const drop = (c: pg.Client) => {
    if (client !== c) return;
    client = null;
    const had = held;
    held = false;
    c.end().catch(() => {});
    if (had) for (const f of lost) f();
  };

  const connect = async (): Promise<pg.Client> => {
    if (client) return client;
    const { max: _max, idleTimeoutMillis: _idle, ...options } = pool.options as pg.PoolConfig;
    const c = new pg.Client({ ...options, application_name: `${APP_PREFIX}${owner}`.slice(0, 63), keepAlive: true });
    c.on('error', () => drop(c));
    c.on('end', () => drop(c));
    await c.connect();
    for (const s of KEEPALIVE) await c.query(s).catch(() => {});
    client = c;
    return c;
  };

  return {
    async take() {
      if (held && (await this.check())) return true;
      const c = await connect();
      try {
        const r = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_CLASS, LOCK_ID]);
        held = r.rows[0].ok;
      } catch (e) {
        drop(c);
        throw e;
      }
      return held;
    },
    held: () => held,
    async check() {
      const c = client;
      if (!c || !held) return false;
      try {
        await c.query('SELECT 1');
        return held;
      } catch {
        drop(c);
        return false;
      }
    },
    async holder(): Promise<CollectorLockHolder | null> {
      const r = await pool.query<{ name: string; since: Date | null; pid: number }>(
        `SELECT a.application_name AS name, a.backend_start AS since, l.pid
        FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 2 AND l.granted AND l.database = (
          SELECT oid FROM pg_database WHERE datname = current_database())`,
        [LOCK_CLASS >>> 0, LOCK_ID >>> 0],
      );
      const row = r.rows[0];
      if (!row) return null;
      const name = row.name?.startsWith(APP_PREFIX) ? row.name.slice(APP_PREFIX.length) : `a process on connection ${row.pid}`;
      return { owner: name, since: row.since ? row.since.getTime() : null };
    },
    onLost(f) {
      lost.add(f);
      return () => lost.delete(f);
    },
    async release() {
      const c = client;
      client = null;
      held = false;
      if (!c) return;
      // Ending the connection releases the lock (the unlock first, so it is gone at once even if the end is slow).
      await c.query('SELECT pg_advisory_unlock_all()').catch(() => {});
      await c.end().catch(() => {});
    },
  };
}
