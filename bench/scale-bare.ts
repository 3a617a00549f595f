/**
 * The ingest baseline of the scale benchmark: the same events stored as plain prepared INSERTs
 * into deployments, changes, change_parents, ci_runs, incidents and raw_events of a fresh
 * database (same schema and PRAGMAs), one transaction per batch, with no validation, no
 * idempotency keys, no pull requests and no linking. What SQLite itself costs on this machine.
 * The benchmark stores each batch here right after the real path stores it, so both see the
 * same machine at the same moment and their ratio holds on a noisy, shared machine.
 */
import { statSync } from 'node:fs';
import type { NativeEventInput } from '../common/events';
import { openDatabase } from '../db/connection';
import { syncOrganisation } from '../db/queries/org';
import { teamResolver } from '../common/org';
import type { OrganisationConfig } from '../common/org';

export interface BareResult {
  events: number;
  rows: number;
  seconds: number;
  eventsPerSecond: number;
  rowsPerSecond: number;
  bytes: number;
}

export interface BareInserter {
  /** Stores one batch in one transaction; returns the milliseconds it took. */
  store(batch: NativeEventInput[]): number;
  /** Closes the database and says how it went. */
  close(): BareResult;
}

const ms = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));

/** A fresh database at `file` taking batches as plain inserts; only the inserts are timed. */
export function bareInserter(file: string, org: OrganisationConfig, production: RegExp): BareInserter {
  const db = openDatabase(file);
  syncOrganisation(db, org);
  const resolve = teamResolver(org);
  const insertService = db.prepare('INSERT INTO services (name, team_id) VALUES (?, ?)');
  const raw = db.prepare('INSERT INTO raw_events (type, source, event_id, received_at, payload) VALUES (?, ?, ?, ?, ?)');
  // A deployment or incident reported twice (started, then finished; opened, then resolved) is one row.
  const deployment =
    db.prepare(`INSERT OR REPLACE INTO deployments (source, ext_id, service_id, environment, is_production, status, sha, commits, started_at, finished_at, rework, url)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const change = db.prepare('INSERT INTO changes (service_id, sha, committed_at, authored_at, url) VALUES (?, ?, ?, ?, ?)');
  const parent = db.prepare('INSERT INTO change_parents (service_id, sha, parent_sha) VALUES (?, ?, ?)');
  const ciRun =
    db.prepare(`INSERT INTO ci_runs (source, ext_id, service_id, name, status, sha, branch, started_at, finished_at, tests_passed, tests_failed, tests_skipped, url)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const incident =
    db.prepare(`INSERT OR REPLACE INTO incidents (source, ext_id, service_id, opened_at, resolved_at, severity, deployment_ref, root_cause_sha, title, url)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const services = new Map<string, number>();
  const serviceId = (name: string) => {
    let id = services.get(name);
    if (id === undefined) services.set(name, (id = Number(insertService.run(name, resolve(name) ?? 'unassigned').lastInsertRowid)));
    return id;
  };
  let events = 0,
    rows = 0,
    elapsed = 0;
  const insert = db.transaction((batch: NativeEventInput[]) => {
    const now = Date.now();
    for (const e of batch) {
      const source = e.source ?? 'api';
      const id = e.type === 'change' ? (e.id ?? e.sha) : e.id;
      raw.run(e.type, source, id, now, JSON.stringify(e));
      const s = serviceId(e.service);
      rows += 2;
      switch (e.type) {
        case 'deployment':
          deployment.run(
            source,
            id,
            s,
            e.environment,
            production.test(e.environment) ? 1 : 0,
            e.status,
            e.sha ?? null,
            e.commits ? JSON.stringify(e.commits) : null,
            ms(e.startedAt),
            ms(e.finishedAt),
            e.rework ? 1 : 0,
            e.url ?? null,
          );
          break;
        case 'change':
          change.run(s, e.sha, Date.parse(e.committedAt), ms(e.authoredAt), e.url ?? null);
          for (const p of e.parents ?? []) {
            parent.run(s, e.sha, p);
            rows++;
          }
          break;
        case 'ci_run':
          ciRun.run(
            source,
            id,
            s,
            e.name,
            e.status,
            e.sha ?? null,
            e.branch ?? null,
            Date.parse(e.startedAt),
            Date.parse(e.finishedAt),
            e.tests?.passed ?? null,
            e.tests?.failed ?? null,
            e.tests?.skipped ?? null,
            e.url ?? null,
          );
          break;
        case 'incident':
          incident.run(
            source,
            id,
            s,
            Date.parse(e.openedAt),
            ms(e.resolvedAt),
            e.severity ?? null,
            e.deploymentId ?? null,
            e.rootCauseSha ?? null,
            e.title ?? null,
            e.url ?? null,
          );
          break;
      }
    }
  });
  return {
    store(batch) {
      const t0 = performance.now();
      insert(batch);
      const took = performance.now() - t0;
      elapsed += took;
      events += batch.length;
      return took;
    },
    close() {
      db.close();
      const seconds = elapsed / 1000;
      return {
        events,
        rows,
        seconds,
        eventsPerSecond: Math.round(events / seconds),
        rowsPerSecond: Math.round(rows / seconds),
        bytes: statSync(file).size,
      };
    },
  };
}
