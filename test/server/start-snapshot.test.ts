/**
 * Issue 21: what the server builds at start (every service's facts, the idempotency keys' index)
 * is kept beside the database at its close and loaded at the next start. The figures after a
 * load must equal a fresh build from the same file, bit for bit: after another process wrote
 * between the close and the start (a late backfill into mid-history, a deployment moved to
 * another service, which its raw event alone would not reveal), with a damaged copy, and with a
 * copy of another file. And the loaded key index still knows every key.
 */
import { copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openDatabase } from '../../db/connection';
import { ingestEvents } from '../../db/ingest';
import { syncOrganisation } from '../../db/queries/org';
import { validateEvents } from '../../common/validate-events';
import { teamResolver } from '../../common/org';
import type { NativeEventInput } from '../../common/events';
import type { OrgResponse } from '../../common/api';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import { SIZES, batches, chunks, organisationOf, startOf, type ScaleShape } from '../../bench/scale-generate';

const SHAPE: ScaleShape = { ...SIZES.dept, services: 24, teams: 4, departments: 2, months: 4, backfill: { services: 4, events: 400 } };
const FROM = startOf(SHAPE);
const TO = SHAPE.end;
const organisation = organisationOf(SHAPE);
const resolveTeam = teamResolver(organisation);

let dir: string;
let file: string;
let configFile: string;
const held: NativeEventInput[] = [];
const stream: NativeEventInput[] = [];

/** Stores events as another process would: its own connection to the file, the real ingest path. */
function storeElsewhere(events: NativeEventInput[]): void {
  const db = openDatabase(file, { check: 'off' });
  try {
    syncOrganisation(db, organisation);
    for (const b of chunks(events)) ingestEvents(db, validateEvents(b), { production: /^prod(uction)?$/i, now: TO, resolveTeam });
  } finally {
    db.close();
  }
}

async function start(dbFile = file): Promise<{ server: RunningServer; logged: string[] }> {
  const logged: string[] = [];
  const config = loadConfig({ DEMING_DB: dbFile, PORT: '0', DEMING_DEMO: 'off', DEMING_CONFIG: configFile, DEMING_INTEGRITY_CHECK: 'off' });
  const server = await startServer(config, { now: () => TO, log: (m) => logged.push(m) });
  // Ready: nothing left to build in the background.
  await expect
    .poll(async () => ((await (await fetch(`${server.url}/api/v1/health`)).json()) as { building: string[] }).building, { timeout: 60_000 })
    .toEqual([]);
  return { server, logged };
}

/** Every scope's metrics and weekly series, and the summary, as the pages ask for them. */
async function figures(server: RunningServer): Promise<Record<string, unknown>> {
  const org = (await (await fetch(`${server.url}/api/v1/org`)).json()) as OrgResponse;
  const scopes = [
    'org',
    ...org.departments.map((d) => `department:${d.id}`),
    ...org.teams.map((t) => `team:${t.id}`),
    ...org.services.map((s) => `service:${s.name}`),
  ];
  const window = `from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}`;
  const out: Record<string, unknown> = {};
  const ask = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    expect(res.status, path).toBe(200);
    out[path] = await res.json();
  };
  await ask(`/api/v1/summary?${window}`);
  for (const scope of scopes) {
    await ask(`/api/v1/metrics?scope=${encodeURIComponent(scope)}&${window}`);
    await ask(`/api/v1/metrics/series?scope=${encodeURIComponent(scope)}&bucket=week&${window}`);
  }
  return out;
}

const snapshots = (f = file) => [`${f}-facts.snapshot`, `${f}-keys.snapshot`];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deming-snapshot-'));
  file = join(dir, 'deming.db');
  configFile = join(dir, 'deming.config.yaml');
  writeFileSync(configFile, stringify({ organisation }));
  for (const b of batches(SHAPE, { withholdBackfill: true }, held)) stream.push(...b);
  storeElsewhere(stream);
}, 120_000);

afterAll(() => (process.env.KEEP ? undefined : rmSync(dir, { recursive: true, force: true })));

describe('the start from what the last run kept', () => {
  it('equals a fresh build after another process wrote in between, and the key index still knows every key', async () => {
    // A first run builds everything and keeps it at its close.
    const first = await start();
    const before = await figures(first.server);
    // Every service's metrics and series at least.
    expect(Object.keys(before).length).toBeGreaterThan(2 * SHAPE.services);
    await first.server.close();
    for (const f of snapshots()) expect(existsSync(f), f).toBe(true);
    expect(first.logged.join('\n')).toMatch(/kept the facts of 24 services/);

    // Meanwhile another process stores the late backfill (into the middle of some services'
    // history) and moves one deployment to another service: the service it left changes too.
    const moved = stream.find((e) => e.type === 'deployment' && e.service !== held[0].service && e.status === 'success')!;
    const target = stream.find((e) => e.service !== moved.service && e.service !== held[0].service)!.service;
    storeElsewhere([...held, { ...moved, service: target }]);

    const second = await start();
    const loaded = /loaded the facts of (\d+) services from .* in \d+ ms; (\d+) changed since, built again/.exec(second.logged.join('\n'));
    expect(loaded, second.logged.join('\n')).not.toBeNull();
    // The backfilled services, the one the deployment left and the one it joined were built again; the others loaded.
    const changed = new Set([...held.map((e) => e.service), moved.service, target]).size;
    expect(Number(loaded![2])).toBe(changed);
    expect(Number(loaded![1])).toBe(SHAPE.services - changed);
    const afterLoad = await figures(second.server);
    // The writes moved figures (so the comparison below can fail)...
    const scopeOf = (s: string) =>
      `/api/v1/metrics?scope=${encodeURIComponent(`service:${s}`)}&from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}`;
    expect(afterLoad[scopeOf(moved.service)]).not.toEqual(before[scopeOf(moved.service)]);
    // ...and every event stored before the close, or by the other process after it, is known: sent again, it is unchanged.
    const again = [stream[0], stream[stream.length - 1], held[held.length - 1]];
    const res = await fetch(`${second.server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(again),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 0, unchanged: 3 });
    await second.server.close();

    // A fresh build of the same file, with nothing kept.
    const fresh = join(dir, 'fresh.db');
    copyFileSync(file, fresh);
    const third = await start(fresh);
    expect(third.logged.join('\n')).not.toMatch(/loaded the facts/);
    expect(afterLoad).toEqual(await figures(third.server));
    await third.server.close();
  }, 240_000);

  it('builds everything again from a damaged copy, or a copy of another file, with the same figures', async () => {
    const warm = await start();
    const expected = await figures(warm.server);
    await warm.server.close();

    // A few bytes scribbled in the middle of the kept facts: the checksum refuses the copy.
    const [facts, keys] = snapshots();
    const fd = openSync(facts, 'r+');
    writeSync(fd, Buffer.alloc(8, 0x5a), 0, 8, Math.floor(statSync(facts).size / 2));
    closeSync(fd);
    const damaged = await start();
    expect(damaged.logged.join('\n')).toMatch(
      /not using the facts kept in .*: its checksum does not match \(damaged or cut\); building every service/,
    );
    expect(await figures(damaged.server)).toEqual(expected);
    await damaged.server.close();

    // The copies of this file beside another database (one of its services' events only): not its own.
    const other = join(dir, 'other.db');
    const db = openDatabase(other, { check: 'off' });
    syncOrganisation(db, organisation);
    ingestEvents(db, validateEvents(stream.filter((e) => e.service === stream[0].service)), {
      production: /^prod(uction)?$/i,
      now: TO,
      resolveTeam,
    });
    db.close();
    copyFileSync(facts, `${other}-facts.snapshot`);
    copyFileSync(keys, `${other}-keys.snapshot`);
    const wrong = await start(other);
    expect(wrong.logged.join('\n')).toMatch(/not using the facts kept in .*: the raw event log is not the one it was built from/);
    expect(wrong.logged.join('\n')).toMatch(/not using the key index kept in .*: the raw event log is not the one it was built from/);
    const got = await figures(wrong.server);
    await wrong.server.close();
    // What a fresh build of that file says (its own copies are now whole and its own).
    rmSync(`${other}-facts.snapshot`);
    rmSync(`${other}-keys.snapshot`);
    const freshOther = await start(other);
    expect(got).toEqual(await figures(freshOther.server));
    await freshOther.server.close();
    expect(readFileSync(`${other}-facts.snapshot`).length).toBeGreaterThan(0);
  }, 240_000);

  it('prepares the summary of the window last asked for: the first one after a restart is served from what the start computed, and equals a recomputation', async () => {
    const prepared = join(dir, 'prepared.db');
    copyFileSync(file, prepared);
    const window = `from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}`;
    const summary = async (server: RunningServer, query: string) => {
      const res = await fetch(`${server.url}/api/v1/summary?${query}`);
      expect(res.status).toBe(200);
      return res.json();
    };
    const first = await start(prepared);
    const asked = await summary(first.server, window);
    // A window up to "now" (no `to`) is not kept: it is never asked for again as it was.
    await summary(first.server, `from=${new Date(FROM).toISOString()}`);
    await first.server.close();

    const second = await start(prepared);
    await expect
      .poll(() => second.logged.join('\n'), { timeout: 60_000 })
      .toMatch(/prepared the summary of 1 window asked for before this start/);
    const answers = second.server.ctx.reads.answers;
    const misses = answers.misses;
    const hits = answers.hits;
    const served = await summary(second.server, window);
    // Every figure of it (the organisation's and each department's metrics, trend and figures since the baseline) came from the start's work.
    expect(answers.misses).toBe(misses);
    expect(answers.hits - hits).toBe(1 + 3 * (served as { departments: unknown[] }).departments.length);
    // Dropping everything held makes the next answer a recomputation from the file: the same.
    second.server.ctx.reads.facts.clear();
    const recomputed = await summary(second.server, window);
    expect(answers.misses).toBeGreaterThan(misses);
    expect(served).toEqual(recomputed);
    expect(served).toEqual(asked);

    // A write that moves one service's figures: the summary is computed again in the background, and served from that.
    const deployment = stream.find((e) => e.type === 'deployment' && e.status === 'success')!;
    const windows = second.server.ctx.reads.summaryWindows;
    const preparedBefore = windows.prepared;
    const posted = await fetch(`${second.server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ ...deployment, id: `${deployment.id}-again`, finishedAt: new Date(TO - 86_400_000).toISOString() }]),
    });
    expect(posted.status).toBe(200);
    await expect.poll(() => windows.prepared, { timeout: 60_000 }).toBeGreaterThan(preparedBefore);
    const missesAfterWrite = answers.misses;
    const current = await summary(second.server, window);
    expect(answers.misses).toBe(missesAfterWrite);
    expect(current).not.toEqual(served);
    second.server.ctx.reads.facts.clear();
    expect(current).toEqual(await summary(second.server, window));
    await second.server.close();
  }, 240_000);
});
