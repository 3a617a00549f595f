/**
 * A source's declared environments, applied again to what it already stored (issue 16, DESIGN.md
 * "production"): the environment a GitHub deployment workflow deploys to, or the environments a
 * GitLab instance without tiers counts as production, are decided by the configuration when a
 * deployment is collected. When that declaration changes, the deployments stored under the old
 * one are sent again as the source would send them now, through the one ingest path: the raw
 * log keeps both versions, what moved is linked again, and the figures are those a fresh
 * collection under the new declaration gives. Run at the server's start; what each source's
 * declaration was is kept in `settings`, so a start with the same configuration reads one row.
 */
import type { NativeEvent } from '../../common/events';
import type { Store } from '../../db/store';

type Deployment = Extract<NativeEvent, { type: 'deployment' }>;

/** What one source declares of its deployments' environments now. */
export interface Declaration {
  /** The events' `source`, and the key its declaration is kept under. */
  source: string;
  /** What the configuration declares, as text: when it differs from the one kept, the stored deployments are mapped again. */
  fingerprint: string;
  /** Makes the mapping: a stored deployment as the source would send it now, or null when the declaration does not touch it. */
  mapper(): Promise<(stored: Deployment) => Deployment | null>;
}

/** What the re-mapping did for one source whose declaration changed. */
export interface Remapped {
  source: string;
  /** The declaration the stored deployments followed (null: none kept, a database from before). */
  previous: string | null;
  fingerprint: string;
  /** Deployments read, and those sent again. */
  read: number;
  sent: number;
  ms: number;
}

const settingKey = (source: string) => `declared_environments:${source}`;
const PER_BATCH = 500;

/** Maps the stored deployments of every source whose declaration changed, and keeps the new declarations. */
export async function remapDeclaredEnvironments(
  store: Pick<Store, 'getSetting' | 'putSetting' | 'readLatestDeployments'>,
  declarations: readonly Declaration[],
  ingest: (events: Deployment[]) => Promise<unknown>,
  now: () => number = Date.now,
): Promise<Remapped[]> {
  const done: Remapped[] = [];
  for (const d of declarations) {
    const key = settingKey(d.source);
    const previous = (await store.getSetting(key)) ?? null;
    if (previous === d.fingerprint) continue;
    const started = now();
    const map = await d.mapper();
    // Read whole before sending: the log is not written while it is read.
    const changed: Deployment[] = [];
    let read = 0;
    for await (const row of store.readLatestDeployments(d.source)) {
      read++;
      const stored = JSON.parse(row.payload) as Deployment;
      const mapped = map(stored);
      if (mapped && JSON.stringify(mapped) !== row.payload) changed.push(mapped);
    }
    for (let i = 0; i < changed.length; i += PER_BATCH) await ingest(changed.slice(i, i + PER_BATCH));
    // Kept last: a start stopped half-way maps again, and what was sent already is unchanged.
    await store.putSetting(key, d.fingerprint);
    done.push({ source: d.source, previous, fingerprint: d.fingerprint, read, sent: changed.length, ms: now() - started });
  }
  return done;
}
