/**
 * The organisation tree of one app context: read from the store once, kept, and read again
 * after a committed batch brings a service it does not hold (the change feed) or another
 * process writes to the database. Every read of scopes goes through it: resolution
 * (`GET /api/v1/*?scope=`), `GET /api/v1/org`, children, the summary, Prometheus and the rooms
 * the ingest service tells live clients about.
 */
import type { StoreReads } from '../../db/reads';
import type { ResolvedScope, Scope } from '../scope';
import { OrgSnapshot } from './tree';

export { OrgSnapshot, type ScopeServiceIds } from './tree';

export interface Organisation {
  /** The organisation as stored now. */
  current(): Promise<OrgSnapshot>;
  /** The services of a scope (404 when it does not exist). */
  resolve(scope: Scope): Promise<ResolvedScope>;
  /** Every scope the named services belong to, up to `org`. */
  roomsOf(names: readonly string[]): Promise<string[]>;
  close(): void;
}

export function createOrganisation(store: StoreReads): Organisation {
  let held: OrgSnapshot | null = null;
  let generation = 0;
  let seenVersion: number | null = null;
  const drop = () => {
    held = null;
    generation++;
  };
  // A batch that created a service changes the tree; one that only added events to known services does not.
  const unsubscribe = store.onServicesChanged((ids) => {
    if (!held || ids.some((id) => !held!.has(id))) drop();
  });
  const current = async (): Promise<OrgSnapshot> => {
    const version = await store.dataVersion();
    if (seenVersion !== version) {
      if (seenVersion !== null) drop();
      seenVersion = version;
    }
    if (held) return held;
    const asked = generation;
    const snapshot = new OrgSnapshot(await store.readOrganisation());
    // Read while a batch changed the tree: good for this answer, not kept.
    if (asked === generation) held = snapshot;
    return snapshot;
  };
  return {
    current,
    resolve: async (scope) => (await current()).resolve(scope),
    roomsOf: async (names) => (names.length === 0 ? [] : (await current()).roomsOf(names)),
    close() {
      unsubscribe();
      drop();
    },
  };
}
