/**
 * The retro of one loop: the answers of `/api/v1/deployments` and `/api/v1/incidents` (their
 * item shapes are not in common/api.ts yet) and what the retro shows of them.
 */
export interface DeploymentItem {
  service: string;
  id: string;
  source: string;
  environment: string;
  production: boolean;
  status: 'success' | 'failure' | 'in_progress' | 'cancelled' | string;
  sha: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  rework: boolean;
  url: string | null;
  changes: number;
  causedIncident: boolean;
  unplanned: boolean;
}
export interface DeploymentsResponse {
  scope: string;
  from: string;
  to: string;
  items: DeploymentItem[];
}

export interface IncidentItem {
  service: string;
  id: string;
  source: string;
  openedAt: string;
  resolvedAt: string | null;
  severity: string | null;
  deploymentId: string | null;
  rootCauseSha: string | null;
  title: string | null;
  url: string | null;
}
export interface IncidentsResponse {
  scope: string;
  from: string;
  to: string;
  items: IncidentItem[];
}

export interface FailedDeployment extends DeploymentItem {
  why: string;
}

/** Production deployments that failed outright or caused an incident, newest first, each with why it counts. */
export function failedDeployments(items: readonly DeploymentItem[]): FailedDeployment[] {
  return items
    .filter((d) => d.production && (d.status === 'failure' || d.causedIncident))
    .map((d) => ({
      ...d,
      why: [d.status === 'failure' ? 'the deployment failed' : '', d.causedIncident ? 'caused an incident' : '']
        .filter(Boolean)
        .join(' and ')
        .replace(/^./, (c) => c.toUpperCase()),
    }));
}

export interface IncidentRow extends IncidentItem {
  restore: number | null;
}

/** Incidents with their time to restore in seconds (null while open), longest first, open ones on top. */
export function incidentRows(items: readonly IncidentItem[]): IncidentRow[] {
  const rows = items.map((i) => ({
    ...i,
    restore: i.resolvedAt === null ? null : (Date.parse(i.resolvedAt) - Date.parse(i.openedAt)) / 1000,
  }));
  return rows.sort((a, b) => (b.restore ?? Infinity) - (a.restore ?? Infinity));
}
