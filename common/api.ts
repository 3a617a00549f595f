/** The shapes of Deming's read API, shared by the server and the dashboard. */

export type Band = 'elite' | 'high' | 'medium' | 'low';
export type BandCounts = Record<Band | 'none', number>;

export interface DeploymentFrequency {
  count: number; perDay: number; perWeek: number;
  deployDaysPerWeekMedian: number | null; deployDaysPerMonthMedian: number | null; band: Band | null;
}
export interface LeadTime { count: number; excluded: number; p50: number | null; p85: number | null; p95: number | null; band: Band | null }
export interface ChangeFailureRate { count: number; failed: number; rate: number | null; band: Band | null }
export interface TimeToRestore { count: number; p50: number | null; band: Band | null }
export interface ReworkRate { count: number; rework: number; rate: number | null }

/** The five metrics of DESIGN.md. */
export interface FiveMetrics {
  deploymentFrequency: DeploymentFrequency;
  leadTime: LeadTime;
  changeFailureRate: ChangeFailureRate;
  timeToRestore: TimeToRestore;
  reworkRate: ReworkRate;
}

/** p50 of each PDCA stage of the change loop, in seconds, with how many pull requests. */
export interface Stages { count: number; plan: number | null; do: number | null; check: number | null; act: number | null; loop: number | null }

export interface Baseline { from: string; to: string; leadTimeP50: number | null; count: number }

export interface MetricsResponse extends FiveMetrics {
  scope: string; from: string; to: string;
  stages: Stages;
  baseline: Baseline | null;
  /** baseline lead time p50 / current lead time p50. */
  speedup: number | null;
  /** Overall band of the scope: the lowest band among its four banded metrics that have data. */
  band: Band | null;
  /** For team, department and org scopes: how many of its services are in each overall band. */
  bands?: BandCounts;
}

export interface SeriesPoint extends FiveMetrics { from: string; to: string }

export interface XmrSignal { index: number; rule: 'outside-limits' | 'run-of-8'; explanation: string }
export interface Xmr {
  /** The values charted (lead time p50 per bucket, seconds), null where a bucket had no change. */
  values: (number | null)[];
  centre: number | null; upperLimit: number | null; lowerLimit: number | null;
  movingRanges: (number | null)[]; movingRangeMean: number | null; movingRangeUpperLimit: number | null;
  signals: XmrSignal[];
}

export interface SeriesResponse { scope: string; from: string; to: string; bucket: 'day' | 'week' | 'month'; points: SeriesPoint[]; leadTimeXmr: Xmr }

export interface OrgService { name: string; teamId: string }
export interface OrgTeam { id: string; name: string; departmentId: string; services: string[] }
export interface OrgDepartment { id: string; name: string; teams: string[] }
export interface OrgResponse { departments: OrgDepartment[]; teams: OrgTeam[]; services: OrgService[]; demo: boolean }

export interface ChangeItem {
  service: string; sha: string; committedAt: string; deployedAt: string; leadTime: number;
  url: string | null; deploymentId: string; deploymentUrl: string | null;
  pullRequest: { number: number; url: string | null } | null;
  stages: { plan: number | null; do: number | null; check: number | null; act: number | null } | null;
}
export interface ChangesResponse { scope: string; from: string; to: string; items: ChangeItem[] }

export interface HealthResponse { status: 'ok'; version: string; database: { ok: boolean; events: number; services: number }; demo: boolean; collectors: unknown[] }

/** Socket.io events, server → client. */
export interface ServerToClientEvents {
  'events:ingested': (p: { at: string; counts: { type: string; service: string; n: number }[] }) => void;
  'metrics:changed': (p: { scopes: string[]; at: string }) => void;
}
/** Socket.io events, client → server. */
export interface ClientToServerEvents {
  'scope:join': (scope: string, ack?: (r: { ok: boolean; error?: string }) => void) => void;
  'scope:leave': (scope: string) => void;
}
