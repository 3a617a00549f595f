/**
 * Several real Deming server processes on one real PostgreSQL database, as a department runs them
 * behind a load balancer (issue 23). Each is `server/main.ts` in its own process, on its own
 * loopback port; the database is a fresh one of the run's test server (test/helpers/postgres.ts).
 */
import { spawnServer, type ServerProcess } from './process';
import { testDatabase } from './postgres';

export interface Instances {
  /** The shared database: its URL (as the superuser) and name. */
  db: { url: string; name: string };
  servers: ServerProcess[];
  /** Starts one more instance on the same database (for instance, after one was killed). */
  add(env?: Record<string, string>): Promise<ServerProcess>;
  /** Stops every instance still running (SIGTERM, then SIGKILL after 10 s) and drops the database. */
  stop(): Promise<void>;
}

/** Starts `n` instances on one new database, one after another (the first applies the migrations). */
export async function startInstances(n: number, env: Record<string, string> = {}): Promise<Instances> {
  const db = await testDatabase();
  const servers: ServerProcess[] = [];
  const add = async (more: Record<string, string> = {}) => {
    const s = await spawnServer({ DEMING_DATABASE_URL: db.url, ...env, ...more });
    servers.push(s);
    return s;
  };
  try {
    for (let i = 0; i < n; i++) await add();
  } catch (e) {
    await stopAll(servers);
    await db.drop();
    throw e;
  }
  return {
    db: { url: db.url, name: db.name },
    servers,
    add,
    async stop() {
      await stopAll(servers);
      await db.drop();
    },
  };
}

async function stopAll(servers: ServerProcess[]): Promise<void> {
  await Promise.all(
    servers.map(async (s) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return;
      s.child.kill('SIGTERM');
      const t = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
      await s.exited;
      clearTimeout(t);
    }),
  );
}
