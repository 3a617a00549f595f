/**
 * The retro of one loop: the answers of `/api/v1/deployments` and `/api/v1/incidents` (their
 * item shapes are not in common/api.ts yet) and what the retro shows of them.
 */
import type { LoopItem } from '../../common/api';

export interface DeploymentItem {
  service: string; id: string; source: string; environment: string; production: boolean;
  status: 'success' | 'failure' | 'in_progress' | 'cancelled' | string;
  sha: string | null; startedAt: string | null; finishedAt: string | null; rework: boolean; url: string | null; changes: number;
  causedIncident: boolean; unplanned: boolean;
}
export interface DeploymentsResponse { scope: string; from: string; to: string; items: DeploymentItem[] }

export interface IncidentItem {
  service: string; id: string; source: string; openedAt: string; resolvedAt: string | null; severity: string | null;
  deploymentId: string | null; rootCauseSha: string | null; title: string | null; url: string | null;
}
export interface IncidentsResponse { scope: string; from: string; to: string; items: IncidentItem[] }

export interface FailedDeployment extends DeploymentItem { why: string }

/** Production deployments that failed outright or caused an incident, newest first, each with why it counts. */
export function failedDeployments(items: readonly DeploymentItem[]): FailedDeployment[] {
  return items
    .filter((d) => d.production && (d.status === 'failure' || d.causedIncident))
    .map((d) => ({
      ...d,
      why: [d.status === 'failure' ? 'the deployment failed' : '', d.causedIncident ? 'caused an incident' : ''].filter(Boolean).join(' and ')
        .replace(/^./, (c) => c.toUpperCase()),
    }));
}

export interface IncidentRow extends IncidentItem { restore: number | null }

/** Incidents with their time to restore in seconds (null while open), longest first, open ones on top. */
export function incidentRows(items: readonly IncidentItem[]): IncidentRow[] {
  const rows = items.map((i) => ({ ...i, restore: i.resolvedAt === null ? null : (Date.parse(i.resolvedAt) - Date.parse(i.openedAt)) / 1000 }));
  return rows.sort((a, b) => (b.restore ?? Infinity) - (a.restore ?? Infinity));
}

/** The loop a retro is about, and the one before it (by `check.previousId`), from a list of loops. */
export function findRetroLoops(items: readonly LoopItem[], id: string): { loop: LoopItem | null; previous: LoopItem | null } {
  const loop = items.find((l) => l.id === id) ?? null;
  const previousId = loop?.check?.previousId ?? null;
  return { loop, previous: previousId === null ? null : items.find((l) => l.id === previousId) ?? null };
}

const DAY_MS = 86_400_000;

/**
 * The window to read the previous loop from, once the loop is known and its previous one was
 * not in the answer: a cadence loop's id names its first day; a recorded one is looked for in
 * the year before.
 */
export function previousWindow(loop: Pick<LoopItem, 'from' | 'check'>): { from: string; to: string } | null {
  const id = loop.check?.previousId;
  if (!id) return null;
  const cadence = /^cadence:(\d{4}-\d{2}-\d{2})$/.exec(id);
  const from = cadence ? cadence[1] : new Date(Date.parse(loop.from) - 366 * DAY_MS).toISOString();
  return { from, to: loop.from };
}
