/**
 * What the incident sources' tests share: a folder of configuration files, each with a database
 * of its own, and real servers on loopback at a fixed clock, stopped after each test.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../../server/config';
import { startServer, type RunningServer } from '../../../server/server';

export function incidentHarness(prefix: string, now: number) {
  let dir = '';
  let n = 0;
  const servers: RunningServer[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    /** The configuration of this YAML text, with a database of its own. */
    config(yaml: string): Config {
      const file = join(dir, `c${++n}.yaml`);
      writeFileSync(file, yaml);
      return loadConfig({ DEMING_DB: join(dir, `db${n}.db`), PORT: '0', DEMING_DEMO: 'off' }, file);
    },
    async serve(c: Config): Promise<RunningServer> {
      const s = await startServer(c, { now: () => now, log: () => {} });
      servers.push(s);
      return s;
    },
    /** Stops a server before the test ends (to start another on its database). */
    async stop(s: RunningServer): Promise<void> {
      servers.splice(servers.indexOf(s), 1);
      await s.close();
    },
  };
}
