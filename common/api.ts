/** The shapes of Deming's read API, shared by the server and the dashboard. */

export type Band = 'elite' | 'high' | 'medium' | 'low';
export type BandCounts = Record<Band | 'none', number>;

/** Why a figure has no band: it rests on less evidence than a band needs (DESIGN.md, "Evidence"). */
export type BandReason = 'too few' | null;

/**
 * How many of the scope's services a figure rests on: those that report incidents (or rework)
 * for some of the window. `reason` says why the figure is null when none do.
 */
export interface Evidence {
  services: number;
  servicesInScope: number;
  reason: 'no incident source' | 'no rework source' | null;
}

export interface DeploymentFrequency {
  count: number;
  perDay: number;
  perWeek: number;
  deployDaysPerWeekMedian: number | null;
  deployDaysPerMonthMedian: number | null;
  band: Band | null;
  bandReason: BandReason;
}
export interface LeadTime {
  count: number;
  excluded: number;
  p50: number | null;
  p85: number | null;
  p95: number | null;
  band: Band | null;
  bandReason: BandReason;
}
/** `count`: the deployments of the services while they report incidents. */
export interface ChangeFailureRate extends Evidence {
  count: number;
  failed: number;
  rate: number | null;
  band: Band | null;
  bandReason: BandReason;
}
export interface TimeToRestore extends Evidence {
  count: number;
  p50: number | null;
  band: Band | null;
  bandReason: BandReason;
}
/** DORA 2024: time to restore of the incidents linked to a production deployment explicitly or by a root-cause sha. */
export type FailedDeploymentRecoveryTime = TimeToRestore;
/** `count`: the deployments of the services while they report rework. */
export interface ReworkRate extends Evidence {
  count: number;
  rework: number;
  rate: number | null;
}

/**
 * The metrics of DESIGN.md: DORA's five (throughput: lead time, deployment frequency, failed
 * deployment recovery time; instability: change failure rate, rework rate) and time to restore.
 */
export interface FiveMetrics {
  deploymentFrequency: DeploymentFrequency;
  leadTime: LeadTime;
  changeFailureRate: ChangeFailureRate;
  timeToRestore: TimeToRestore;
  failedDeploymentRecoveryTime: FailedDeploymentRecoveryTime;
  reworkRate: ReworkRate;
}

/** p50 of each PDCA stage of the change loop, in seconds, with how many pull requests. */
export interface Stages {
  count: number;
  plan: number | null;
  do: number | null;
  check: number | null;
  act: number | null;
  loop: number | null;
}

/**
 * The scope's first 90 days (or the configured range): lead time p50 over `count` changes,
 * leaving out the `leftOut` changes shipped by each service's first production deployment.
 */
export interface Baseline {
  from: string;
  to: string;
  leadTimeP50: number | null;
  count: number;
  leftOut: number;
  configured: boolean;
  /**
   * True while a backfill is still reading older history that this baseline may include: the
   * default baseline (the first 90 days of data) until the backfill is complete, a configured
   * one until the history reaches its start. Absent otherwise.
   */
  provisional?: true;
}

/**
 * A first backfill still reading a scope's older history (newest first): how far back the
 * stored history goes so far (the latest of its sources'), and each source's, such as
 * `github:acme/web`. `MetricsResponse.backfill` is absent when none is under way.
 */
export interface Backfill {
  running: true;
  reachedFrom: string;
  sources: { source: string; reachedFrom: string }[];
}
/** "Now": the 90 days ending at the window's end, whatever its start. */
export interface Now {
  from: string;
  to: string;
  leadTimeP50: number | null;
  count: number;
}

/** One figure against the benchmark: the Quick Check answer (1..6) where it has buckets, the 0..10 score, and the share of each industry's answers it is ahead of. */
export interface BenchmarkFigure {
  answer: number | null;
  score: number | null;
  aheadOf: { government: number | null; all: number | null };
}
/** The government benchmark of a scope's "now" figures (DESIGN.md, "Benchmark"). */
export interface Benchmark {
  edition: string;
  source: string;
  /** What the benchmark is: survey answers, not measurements. */
  about: string;
  industries: { government: string; all: string };
  leadTime: BenchmarkFigure;
  deploymentFrequency: BenchmarkFigure;
  failedDeploymentRecoveryTime: BenchmarkFigure;
  changeFailureRate: BenchmarkFigure;
  reworkRate: BenchmarkFigure;
  /** The performance average: of the five scores, or four where rework is null; null unless the four others have scores. */
  average: BenchmarkFigure;
}

export interface MetricsResponse extends FiveMetrics {
  scope: string;
  from: string;
  to: string;
  stages: Stages;
  baseline: Baseline | null;
  now: Now;
  /** When the scope's data last moved (a production deployment or an incident resolved), whatever the window; null with none. */
  lastDataAt: string | null;
  /** The "now" figures against DORA's Quick Check: Government and All industries. */
  benchmark: Benchmark;
  /** baseline lead time p50 / now lead time p50; null when either rests on fewer than 10 changes. */
  speedup: number | null;
  /** Overall band of the scope: the lowest band among its four banded metrics that have data. */
  band: Band | null;
  /** For team, department and org scopes: how many of its services are in each overall band. */
  bands?: BandCounts;
  /** A backfill under way for the scope's sources (`GET /api/v1/metrics` only; absent when none runs, and in summary and children rows). */
  backfill?: Backfill;
}

export interface SeriesPoint extends FiveMetrics {
  from: string;
  to: string;
}

export interface XmrSignal {
  index: number;
  rule: 'outside-limits' | 'run-of-8';
  explanation: string;
}
export interface Xmr {
  /** The values charted (lead time p50 per bucket, seconds), null where a bucket had no change. */
  values: (number | null)[];
  centre: number | null;
  upperLimit: number | null;
  lowerLimit: number | null;
  movingRanges: (number | null)[];
  movingRangeMean: number | null;
  movingRangeUpperLimit: number | null;
  signals: XmrSignal[];
}

export interface SeriesResponse {
  scope: string;
  from: string;
  to: string;
  bucket: 'day' | 'week' | 'month';
  points: SeriesPoint[];
  leadTimeXmr: Xmr;
}

export interface OrgService {
  name: string;
  teamId: string;
}
export interface OrgTeam {
  id: string;
  name: string;
  departmentId: string;
  services: string[];
}
export interface OrgDepartment {
  id: string;
  name: string;
  teams: string[];
}
export interface OrgResponse {
  departments: OrgDepartment[];
  teams: OrgTeam[];
  services: OrgService[];
  demo: boolean;
}

export interface ChangeItem {
  service: string;
  sha: string;
  /** Where the lead time starts, which `leadTimeFrom` names: the commit time, the author time (`leadTimeFrom: author` and the change has one), or its pull request's first commit (a squash commit; a pull request in the list by pull request). */
  committedAt: string;
  leadTimeFrom: 'commit' | 'author' | 'pullRequest';
  deployedAt: string;
  leadTime: number;
  url: string | null;
  deploymentId: string;
  deploymentUrl: string | null;
  pullRequest: { number: number; url: string | null } | null;
  /** The change request the deployment that shipped it carried out (its `changeRequest`), or null. */
  changeRequest: string | null;
  /**
   * Its pull request's PDCA stages, in seconds. `approval` is the part of `act` spent waiting for
   * that change request's approval and `release` the rest of `act` (plan + do + check + approval +
   * release is the loop); both null, with `approvalReason` saying why, where there is no such
   * segment (docs/DESIGN.md, "The approval wait in a change's stages").
   */
  stages: ChangeStages | null;
}
/** A change's stages (see {@link ChangeItem}); a type, not an interface, so the CSV's columns can name its fields. */
export type ChangeStages = {
  plan: number | null;
  do: number | null;
  check: number | null;
  act: number | null;
  approval: number | null;
  release: number | null;
  approvalReason:
    | 'no change request'
    | 'change request not read'
    | 'not approved'
    | 'times missing'
    | 'out of order'
    | 'approved after deployment'
    | 'act unknown'
    | null;
};
export interface ChangesResponse {
  scope: string;
  from: string;
  to: string;
  items: ChangeItem[];
}
/**
 * `GET /api/v1/changes?groupBy=pullRequest`: one item per pull request (a change without one
 * stands alone): `committedAt` is its first commit, `deployedAt` when its last commit of the
 * window was deployed, `leadTime` between the two, `commits` how many of its commits shipped in
 * the window; `sha`, `url`, the deployment and `stages` are those of its latest commit.
 */
export interface PullRequestChangeItem extends ChangeItem {
  commits: number;
}
export interface PullRequestChangesResponse {
  scope: string;
  from: string;
  to: string;
  groupBy: 'pullRequest';
  items: PullRequestChangeItem[];
}

export interface HealthResponse {
  /** `degraded`: reads work but writes are refused (a full disk); `error`: the database cannot be read or is damaged (503). */
  status: 'ok' | 'degraded' | 'error';
  version: string;
  /** `error` says what is wrong, since when, and what to do. */
  database: {
    ok: boolean;
    writable: boolean;
    events: number;
    services: number;
    error?: string;
    /**
     * SQLite's integrity check, run beside the server after its start (`DEMING_INTEGRITY_CHECK`):
     * `running`, then `ok` or `damaged` (writes are refused, `error` says what to do), or `failed`
     * (it could not run: not damage, see the log); `off` when turned off.
     */
    check?: {
      mode: 'quick' | 'full' | 'off';
      state: 'off' | 'running' | 'ok' | 'damaged' | 'failed';
      startedAt: string | null;
      finishedAt: string | null;
    };
  };
  demo: boolean;
  /** What the server still builds in the background after its start (`facts`, `keys`); empty once ready. */
  building: ('facts' | 'keys')[];
  collectors: unknown[];
  /**
   * Several instances on one PostgreSQL database with collectors configured: whether this one
   * runs them (holds the collectors' lock) and how often one that does not tries to take over.
   * Absent on SQLite, or with no collector configured.
   */
  collectorLock?: { here: boolean; retrySeconds: number };
  /**
   * Whether this instance can serve now, for a load balancer's health check: the database answers,
   * it hears the other instances' commits (PostgreSQL), and it is not stopping. When it cannot, the
   * answer is a 503 and `notReady` says why (empty when ready).
   */
  ready: boolean;
  notReady: string[];
  /** PostgreSQL: this instance's hearing of the other instances' commits (`LISTEN`); absent on SQLite (one instance). */
  instances?: {
    /** This instance, as its commit notices name it (process id and a random part). */
    instance: string;
    listening: boolean;
    /** Since when it listens (null while it does not). */
    since: string | null;
    /** How many times the connection was lost since the start. */
    lost: number;
  };
}

/** The roles of DESIGN.md, as `GET /api/v1/session` lists them. */
export type SessionRole = 'viewer' | 'editor' | 'ingest' | 'admin';

/** `GET /api/v1/session`: who the browser is, what it may do, and how it can sign in. */
export interface SessionResponse {
  signedIn: boolean;
  actor: string | null;
  /** The role the session was signed in with; null when not signed in. */
  role: SessionRole | null;
  /** Every role this client holds now: the session's, and what loopback grants without signing in. */
  roles: SessionRole[];
  methods: { token: boolean; password: boolean; oidc: boolean };
  /** False when this client may read without signing in (loopback, no viewer credential configured). */
  authRequired: boolean;
}

/** `POST /api/v1/session`: the session just opened. */
export interface SignInResponse {
  signedIn: true;
  actor: string;
  roles: SessionRole[];
  expiresAt: string;
}

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

/** The metrics a loop can aim to move, with the units a target may be given in (the first is canonical). */
export const loopMetricUnits = {
  leadTime: ['seconds', 'minutes', 'hours', 'days'],
  timeToRestore: ['seconds', 'minutes', 'hours', 'days'],
  deploymentFrequency: ['perWeek', 'perDay'],
  changeFailureRate: ['fraction', 'percent'],
  reworkRate: ['fraction', 'percent'],
} as const;
export type LoopMetric = keyof typeof loopMetricUnits;
export const loopMetrics = Object.keys(loopMetricUnits) as LoopMetric[];

export interface LoopPlan {
  metric: LoopMetric;
  target: number;
  hypothesis: string;
}
export type LoopDecision = 'adopt' | 'adapt' | 'abandon';
export interface LoopAct {
  decision: LoopDecision;
  notes: string;
  decidedAt: string;
}
export interface LoopLeadTimeCheck {
  u: number | null;
  pValue: number | null;
  direction: 'faster' | 'slower' | 'none';
  verdict: string;
  /** The probability that a change of this loop was faster than one of the previous loop (0.5: no difference). */
  effect: number | null;
  previousCount: number;
  currentCount: number;
  method: 'exact' | 'normal' | null;
}
export interface LoopCheck {
  previousId: string | null;
  leadTime: LoopLeadTimeCheck;
}
/** Why a planned loop's plan is retrospective: made, or its `from` or target changed, after the loop started (`startedAt`). */
export interface LoopRetrospective {
  reason: 'planned-after-start' | 'from-changed-after-start' | 'target-changed-after-start';
  at: string;
  startedAt: string;
}
export interface LoopItem {
  id: string;
  scope: string;
  name: string;
  from: string;
  to: string;
  /** The end of what was measured: `to`, or now for a loop still running. `metrics` equal GET /api/v1/metrics over [from, measuredTo). */
  measuredTo: string;
  derived: boolean;
  plan: LoopPlan | null;
  metrics: FiveMetrics;
  stages: Stages;
  baseline: Baseline | null;
  speedup: number | null;
  check: LoopCheck | null;
  act: LoopAct | null;
  /** The decision recorded at the end of the previous loop, shown at the start of this one. */
  previousAct: LoopAct | null;
  /** Whether the plan's target was reached; null without a plan or data, or while the loop runs. */
  targetMet: boolean | null;
  /** Set when the plan was made, or its `from` or target changed, after the loop started; null for cadence loops. */
  retrospective: LoopRetrospective | null;
}
/** `GET /api/v1/loops/:id?scope=`: one loop, wherever it lies, with the loop before it. */
export interface LoopResponse {
  loop: LoopItem;
  previous: LoopItem | null;
}
export interface LoopsResponse {
  scope: string;
  from: string;
  to: string;
  derived: boolean;
  items: LoopItem[];
}
export interface LoopAuditItem {
  loopId: string;
  name: string;
  action: 'plan' | 'edit' | 'act' | 'delete';
  actor: string;
  at: string;
  before: unknown;
  after: unknown;
}

/** One point of a department's trend line on the executive summary. */
export interface TrendPoint {
  from: string;
  to: string;
  leadTimeP50: number | null;
  deploymentsPerWeek: number;
}
export interface SummaryRow {
  department: { id: string; name: string };
  services: number;
  metrics: MetricsResponse;
  /** The last 12 months. */
  trend: TrendPoint[];
  /** Month by month from the month the baseline starts (at most ten years) to the window's end; empty without a baseline. */
  sinceBaseline: TrendPoint[];
}
/** `GET /api/v1/summary`: the executive view, one row per department, and the whole organisation. */
export interface SummaryResponse {
  from: string;
  to: string;
  org: MetricsResponse;
  departments: SummaryRow[];
  demo: boolean;
}

/** `GET /api/v1/children`: the figures of each department of the org, team of a department, or service of a team. */
export interface ChildRow {
  scope: string;
  name: string;
  services: number;
  metrics: MetricsResponse;
}
export interface ChildrenResponse {
  scope: string;
  from: string;
  to: string;
  items: ChildRow[];
}

/** An item of `GET /api/v1/deployments`. */
export interface DeploymentItem {
  service: string;
  id: string;
  source: string;
  environment: string;
  production: boolean;
  status: string;
  sha: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  rework: boolean;
  url: string | null;
  changes: number;
  causedIncident: boolean;
  unplanned: boolean;
}
/** An item of `GET /api/v1/incidents`. */
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
/** An item of `GET /api/v1/ci-runs`. */
export interface CiRunItem {
  service: string;
  id: string;
  source: string;
  name: string;
  status: string;
  sha: string | null;
  branch: string | null;
  startedAt: string;
  finishedAt: string;
  testsPassed: number | null;
  testsFailed: number | null;
  testsSkipped: number | null;
  url: string | null;
}
export interface ListResponse<T> {
  scope: string;
  from: string;
  to: string;
  items: T[];
}
