/**
 * Pure mappers from GitLab's objects to native events, used by the pull and the webhooks alike,
 * so a hook and a pull of the same object store the same event. Ids are keyed by the instance
 * and the project id (`gitlab.example.gov/projects/12/pipelines/345`), so a renamed or moved
 * project keeps its events; the service is the name its project was first collected under.
 */
import type { NativeEventInput } from '../../common/events';
import { rootCauseOf } from '../github/adapt-issue';
import type { GitlabSettings } from './config';
import type { DeploymentPayload, GraphqlCommit, GraphqlMergeRequest, GraphqlPipeline, IssuePayload, RestCommitPayload } from './payloads';

type ChangeInput = Extract<NativeEventInput, { type: 'change' }>;
type DeploymentInput = Extract<NativeEventInput, { type: 'deployment' }>;
type CiRunInput = Extract<NativeEventInput, { type: 'ci_run' }>;
type IncidentInput = Extract<NativeEventInput, { type: 'incident' }>;
type PullRequestInfo = NonNullable<ChangeInput['pullRequest']>;

/** The project an event belongs to. */
export interface ProjectRef {
  id: number;
  /** The service: the optional prefix and the path the project was first collected under. */
  service: string;
  /** The project's page as GitLab gives it now. */
  webUrl: string;
  /** `host[/prefix]/projects/<id>`: the stem of every event id of the project. */
  key: string;
  defaultBranch: string | null;
}

/** The instance part of event ids: the API root's host and path prefix, without `/api/v4`. */
export const instanceOf = (baseUrl: string): string => {
  const u = new URL(baseUrl);
  return `${u.host}${u.pathname.replace(/\/api\/v4\/?$/, '').replace(/\/+$/, '')}`;
};

export const projectKey = (baseUrl: string, projectId: number): string => `${instanceOf(baseUrl)}/projects/${projectId}`;

/**
 * GitLab's times in one spelling: the API's `2026-03-02T10:00:00.000Z`, a hook's
 * `2026-03-02 10:00:00 UTC` or `2026-03-02 12:00:00 +0200`.
 */
export function gitlabTime(t: string): string {
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)\s*(UTC|Z|[+-]\d\d:?\d\d)?$/.exec(t.trim());
  const text = m ? `${m[1]}T${m[2]}${!m[3] || m[3] === 'UTC' ? 'Z' : m[3] === 'Z' ? 'Z' : m[3].replace(/^([+-]\d\d)(\d\d)$/, '$1:$2')}` : t;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`"${t.slice(0, 40)}" is not a time`);
  return new Date(ms).toISOString();
}

const optionalTime = (t: string | null | undefined): string | undefined => (t ? gitlabTime(t) : undefined);

/** What Deming keeps of a commit: no message, no names, no e-mails. */
export interface CommitFacts {
  sha: string;
  committedAt: string;
  authoredAt?: string;
  parents?: string[];
}

export function commitFromRest(c: RestCommitPayload): CommitFacts {
  const committed = c.committed_date ?? c.created_at ?? c.authored_date;
  if (!committed) throw new Error(`commit ${c.id} has no date`);
  return {
    sha: c.id.toLowerCase(),
    committedAt: gitlabTime(committed),
    authoredAt: optionalTime(c.authored_date),
    parents: c.parent_ids.map((p) => p.toLowerCase()),
  };
}

export function commitFromGraphql(c: GraphqlCommit): CommitFacts {
  const committed = c.committedDate ?? c.authoredDate;
  if (!committed) throw new Error(`commit ${c.sha} has no date`);
  return { sha: c.sha.toLowerCase(), committedAt: gitlabTime(committed), authoredAt: optionalTime(c.authoredDate) };
}

/** A commit as a change; `committedAt` is the committer date (DESIGN.md lead time). */
export function adaptCommit(project: ProjectRef, c: CommitFacts, pullRequest?: PullRequestInfo, updatedAt?: string): ChangeInput {
  const event: ChangeInput = { type: 'change', source: 'gitlab', service: project.service, sha: c.sha, committedAt: c.committedAt };
  if (c.parents) event.parents = c.parents;
  if (c.authoredAt) event.authoredAt = c.authoredAt;
  if (pullRequest) event.pullRequest = pullRequest;
  event.url = `${project.webUrl}/-/commit/${c.sha}`;
  if (updatedAt) event.updatedAt = updatedAt;
  return event;
}

/** The issues of the same project a merge request's description closes (`Closes #12`, `fixes #3, #4`), as GitLab's default closing pattern reads them. */
export function closedIssues(description: string | null | undefined): number[] {
  const out = new Set<number>();
  const re =
    /\b(?:clos(?:e|es|ed|ing)|fix(?:es|ed|ing)?|resolv(?:e|es|ed|ing)|implement(?:s|ed|ing)?)\b:?\s+((?:#\d+(?:\s*,\s*|\s+and\s+|\s*))+)/gi;
  for (const m of (description ?? '').matchAll(re)) {
    for (const n of m[1].matchAll(/#(\d+)/g)) out.add(Number(n[1]));
  }
  return [...out].filter((n) => n > 0 && n < 2 ** 31).sort((a, b) => a - b);
}

const earliest = (times: (string | undefined)[]): string | undefined => times.filter((t): t is string => t !== undefined).sort()[0];

/** The sha the merge request put on the target branch: its merge commit, its squash commit, or (fast-forward) its head. */
export const mergeShaOf = (mr: GraphqlMergeRequest): string | undefined =>
  (mr.mergeCommitSha ?? mr.squashCommitSha ?? mr.diffHeadSha ?? undefined)?.toLowerCase();

/**
 * One change per commit of a merged merge request, each with the request's loop facts.
 * `firstCommitAt` is the earliest authored date of its commits (it survives rebases); for a
 * squash merge, the squash commit's lead time starts there (DESIGN.md). `planned` are the
 * opening times of the issues it closes. An unmerged request gives nothing.
 */
export function adaptMergeRequest(project: ProjectRef, mr: GraphqlMergeRequest, commits: CommitFacts[], planned: string[]): ChangeInput[] {
  if (!mr.mergedAt) return [];
  const info: PullRequestInfo = {
    number: Number(mr.iid),
    openedAt: gitlabTime(mr.createdAt),
    mergedAt: gitlabTime(mr.mergedAt),
    url: mr.webUrl,
  };
  const mergeSha = mergeShaOf(mr);
  if (mergeSha) info.mergeSha = mergeSha;
  const first = earliest(commits.map((c) => c.authoredAt ?? c.committedAt));
  if (first) info.firstCommitAt = first;
  const plan = earliest(planned.map(gitlabTime));
  if (plan) info.planStartedAt = plan;
  const updatedAt = gitlabTime(mr.updatedAt);
  const bySha = new Map<string, CommitFacts>();
  for (const c of commits) bySha.set(c.sha, c);
  const events = [...bySha.values()].map((c) => adaptCommit(project, c, info, updatedAt));
  // The squash commit, made by GitLab at the merge: its lead time starts at the first commit.
  const squash = mr.squashCommitSha?.toLowerCase();
  if (squash && !bySha.has(squash))
    events.push(adaptCommit(project, { sha: squash, committedAt: info.mergedAt! }, { ...info, squashed: true }, updatedAt));
  return events;
}

/** A pipeline, as GraphQL lists it and a pipeline hook carries it. */
export interface PipelineFacts {
  id: number;
  sha?: string | null;
  ref?: string | null;
  status: string;
  createdAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  duration?: number | null;
  tests?: { count?: number | null; success?: number | null; failed?: number | null; skipped?: number | null; error?: number | null } | null;
}

const gidNumber = (gid: string): number => Number(/(\d+)$/.exec(gid)?.[1] ?? NaN);

export function pipelineFromGraphql(p: GraphqlPipeline): PipelineFacts {
  return {
    id: gidNumber(p.id),
    sha: p.sha,
    ref: p.ref,
    status: p.status.toLowerCase(),
    createdAt: p.createdAt,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
    duration: p.duration,
    tests: p.testReportSummary?.total ?? null,
  };
}

const pipelineOutcome: Record<string, CiRunInput['status']> = {
  success: 'success',
  failed: 'failure',
  canceled: 'cancelled',
  canceling: 'cancelled',
  skipped: 'cancelled',
};

/**
 * A finished pipeline as a CI run; null while it runs. It started `duration` seconds before it
 * finished (both carried by the API and the hook alike), else when it was created.
 */
export function adaptPipeline(project: ProjectRef, p: PipelineFacts): CiRunInput | null {
  const status = pipelineOutcome[p.status];
  if (!status || !p.finishedAt) return null;
  const finishedAt = gitlabTime(p.finishedAt);
  const started =
    p.duration !== null && p.duration !== undefined && p.duration >= 0
      ? new Date(Date.parse(finishedAt) - Math.round(p.duration * 1000)).toISOString()
      : gitlabTime(p.startedAt ?? p.createdAt);
  const event: CiRunInput = {
    type: 'ci_run',
    source: 'gitlab',
    id: `${project.key}/pipelines/${p.id}`,
    service: project.service,
    name: 'pipeline',
    status,
    startedAt: started > finishedAt ? finishedAt : started,
    finishedAt,
  };
  if (p.sha) event.sha = p.sha.toLowerCase();
  if (p.ref) event.branch = p.ref;
  const t = p.tests;
  if (t && (t.count ?? 0) > 0) event.tests = { passed: t.success ?? 0, failed: (t.failed ?? 0) + (t.error ?? 0), skipped: t.skipped ?? 0 };
  event.url = `${project.webUrl}/-/pipelines/${p.id}`;
  event.updatedAt = finishedAt;
  return event;
}

/** A deployment, as the deployments API lists it (or a hook, completed from the API). */
export interface DeploymentFacts {
  id: number;
  sha: string;
  status: string;
  environment: string;
  tier?: string | null;
  createdAt?: string | null;
  finishedAt?: string | null;
  updatedAt: string;
  url?: string | null;
}

export function deploymentFromRest(d: DeploymentPayload, tiers: Map<string, string | null>): DeploymentFacts {
  return {
    id: d.id,
    sha: d.sha,
    status: d.status,
    environment: d.environment.name,
    tier: d.environment.tier ?? tiers.get(d.environment.name) ?? null,
    createdAt: d.created_at,
    finishedAt: d.finished_at ?? d.deployable?.finished_at ?? null,
    updatedAt: d.updated_at,
    url: d.deployable?.web_url ?? null,
  };
}

const deploymentOutcome: Record<string, DeploymentInput['status']> = {
  success: 'success',
  failed: 'failure',
  canceled: 'cancelled',
  skipped: 'cancelled',
  created: 'in_progress',
  running: 'in_progress',
  blocked: 'in_progress',
};

/**
 * Whether a deployment is production (DESIGN.md, "production"): GitLab's environment tier says so
 * where the instance has tiers (sent as the declared flag); else `sources.gitlab.environments`
 * when configured; else nothing is declared and the configured `production` pattern decides.
 */
export function declaredProduction(
  tier: string | null | undefined,
  environment: string,
  settings: Pick<GitlabSettings, 'environments'>,
): boolean | undefined {
  if (tier) return tier.toLowerCase() === 'production';
  return settings.environments ? settings.environments.test(environment) : undefined;
}

const httpUrl = (u: string | null | undefined): string | undefined => (u && /^https?:\/\//.test(u) ? u : undefined);

export function adaptDeployment(project: ProjectRef, d: DeploymentFacts, settings: Pick<GitlabSettings, 'environments'>): DeploymentInput {
  const status = deploymentOutcome[d.status] ?? 'in_progress';
  const updatedAt = gitlabTime(d.updatedAt);
  const event: DeploymentInput = {
    type: 'deployment',
    source: 'gitlab',
    id: `${project.key}/deployments/${d.id}`,
    service: project.service,
    environment: d.environment.slice(0, 100),
    status,
  };
  if (d.createdAt) event.startedAt = gitlabTime(d.createdAt);
  if (status !== 'in_progress') {
    const finished = gitlabTime(d.finishedAt ?? d.updatedAt);
    event.finishedAt = event.startedAt && finished < event.startedAt ? event.startedAt : finished;
  }
  event.sha = d.sha.toLowerCase();
  const production = declaredProduction(d.tier, d.environment, settings);
  if (production !== undefined) event.production = production;
  const url = httpUrl(d.url);
  if (url) event.url = url;
  event.updatedAt = updatedAt;
  return event;
}

/** A release sent as a deployment: what is needed to take it back. */
export interface SentRelease {
  tag: string;
  sha: string | null;
  releasedAt: string;
  url: string | null;
}

/** A release that counts as a successful deployment of its commit at its release time. */
export function adaptRelease(
  project: ProjectRef,
  r: SentRelease,
  environment: string,
  status: 'success' | 'retracted' = 'success',
): DeploymentInput {
  const at = gitlabTime(r.releasedAt);
  const event: DeploymentInput = {
    type: 'deployment',
    source: 'gitlab',
    id: `${project.key}/releases/${r.tag}`,
    service: project.service,
    environment,
    status,
    startedAt: at,
    finishedAt: at,
  };
  if (r.sha) event.sha = r.sha.toLowerCase();
  const url = httpUrl(r.url);
  if (url) event.url = url;
  return event;
}

/** GitLab's incident severities on DESIGN's scale. */
const severities: Record<string, string> = { critical: 'sev1', high: 'sev2', medium: 'sev3', low: 'sev4' };

/**
 * The incident's severity on DESIGN's `sev1`…`sev5` scale: GitLab's own (critical, high, medium,
 * low; unknown says nothing), else a label `severity::2`, `sev2`, `S2` or `severity: high`.
 */
export function severityOf(severity: string | null | undefined, labels: string[]): string | undefined {
  const own = severity ? severities[severity.toLowerCase()] : undefined;
  if (own) return own;
  for (const l of labels) {
    const m = /^(?:sev(?:erity)?\s*(?:::?|:)?\s*|s)([1-5])$/i.exec(l.trim());
    if (m) return `sev${m[1]}`;
    const named = /^sev(?:erity)?\s*(?:::?|:)\s*(critical|high|medium|low)$/i.exec(l.trim());
    if (named) return severities[named[1].toLowerCase()];
  }
  return undefined;
}

/** Whether an issue is an incident: of type incident, or with one of the configured labels (matched without regard to case). */
export function isIncident(issue: Pick<IssuePayload, 'issue_type' | 'type' | 'labels'>, labels: string[]): boolean {
  if ((issue.issue_type ?? issue.type ?? '').toLowerCase() === 'incident') return true;
  const wanted = new Set(labels.map((l) => l.toLowerCase()));
  return issue.labels.some((l) => wanted.has(l.toLowerCase()));
}

/** An incident issue: opened when the issue was, resolved when it was closed (open again if reopened); else null. */
export function adaptIssue(project: ProjectRef, issue: IssuePayload, labels: string[]): IncidentInput | null {
  if (!isIncident(issue, labels)) return null;
  const event: IncidentInput = {
    type: 'incident',
    source: 'gitlab',
    id: `${project.key}/issues/${issue.iid}`,
    service: project.service,
    openedAt: gitlabTime(issue.created_at),
  };
  if (issue.state === 'closed' && issue.closed_at) event.resolvedAt = gitlabTime(issue.closed_at);
  const severity = severityOf(issue.severity, issue.labels);
  if (severity) event.severity = severity;
  const rootCause = rootCauseOf(issue.description);
  if (rootCause) event.rootCauseSha = rootCause;
  const title = issue.title.trim().slice(0, 500);
  if (title) event.title = title;
  event.url = issue.web_url;
  event.updatedAt = gitlabTime(issue.updated_at);
  return event;
}
