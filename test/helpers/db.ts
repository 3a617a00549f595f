import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../db/connection';
import { openStore, type Store } from '../../db/store';
import { ingestEvents, type IngestResult } from '../../db/ingest';
import { validateEvents } from '../../common/validate-events';
import { syncOrganisation } from '../../db/queries/org';
import { teamResolver } from '../../common/org';
import type { NativeEventInput } from '../../common/events';
import type { OrganisationConfig } from '../../common/org';

/** A migrated database in a fresh temporary file. */
export function tempDb(): { db: Db; file: string; dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'deming-test-'));
  const file = join(dir, 'deming.db');
  const db = openDatabase(file);
  return {
    db,
    file,
    dir,
    cleanup: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A store on a fresh temporary file, and a second connection to the same file (`raw`) for what a
 * test sets up or checks in SQL beside the store (a trigger that refuses writes, a row count).
 */
export function tempStore(): { store: Store; raw: Db; file: string; dir: string; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'deming-test-'));
  const file = join(dir, 'deming.db');
  const store = openStore(file);
  const raw = openDatabase(file, { check: 'off' });
  return {
    store,
    raw,
    file,
    dir,
    cleanup: async () => {
      raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const PRODUCTION = /^prod(uction)?$/i;

/** Ingests events through the real path, as the HTTP route does. */
export function ingest(
  db: Db,
  events: NativeEventInput[],
  org: OrganisationConfig = [],
  now = Date.parse('2026-06-01T00:00:00Z'),
): IngestResult {
  if (org.length > 0) syncOrganisation(db, org);
  return ingestEvents(db, validateEvents(events), { production: PRODUCTION, now, resolveTeam: teamResolver(org) });
}
