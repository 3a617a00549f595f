/**
 * CDEvents → native events, as pure functions (DESIGN.md, "Ingest"). The rules, also in the
 * README:
 * - service: `customData.service`; else the subject's own name for its kind (the service of a
 *   `service.*` event is its subject id; an incident's is `subject.content.service.id`; a merged
 *   change's is its repository id; a pipeline run's is its `pipelineName`); else the name in the
 *   artifact's purl; else `context.source`. A candidate that is not a valid service name (it has
 *   spaces, say) is skipped.
 * - commit sha: `customData.sha` (or `customData.commit`); else the artifact purl's `vcs_ref`,
 *   `vcs_url@<sha>` or a version that is a full sha. An image digest is not a commit.
 * - `service.rolledback` is a failed deployment; its sha, when known, is the version rolled
 *   back (send it as `customData.sha`: the artifact of a rollback is the version now running).
 * - `context.timestamp`, when the event happened, is the native event's `updatedAt`: of two
 *   reports of one CI run, or one incident, the older never overwrites the newer.
 */
import { changeEvent, type NativeEventInput } from '../../common/events';
import { commitOfArtifact, serviceOfArtifact } from './purl';
import type { CdContext, DemingCustomData, MappedKind, SpecLine, SubjectContent } from './schemas';

/** A CDEvent of a mapped kind that passed its schema. */
export interface CdEvent {
  line: SpecLine;
  kind: MappedKind;
  context: CdContext;
  subject: { id: string; source?: string; content: SubjectContent };
  custom: DemingCustomData;
}

type Incident = Extract<NativeEventInput, { type: 'incident' }>;
/** An incident as one event reports it; a `resolved` event need not know when it opened. */
export type IncidentReport = Omit<Incident, 'openedAt'> & { openedAt?: string };

/** A native event, an incident report to merge with what is known of it, or why the event is ignored. */
export type MapResult =
  | { event: Exclude<NativeEventInput, Incident> }
  | { incident: IncidentReport; predicate: 'detected' | 'reported' | 'resolved' }
  | { ignored: string };

/** What the mapping needs from the configuration. */
export interface MapOptions {
  /** The configured production pattern: incidents elsewhere are not production failures. */
  production: RegExp;
}

/** Every native event this route makes carries this source. */
export const CDEVENTS_SOURCE = 'cdevents';

const isServiceName = (s: string | undefined): s is string => s !== undefined && changeEvent.shape.service.safeParse(s).success;
const httpUrl = (s: string | undefined) => (s && /^https?:\/\/\S+$/i.test(s) && s.length <= 2000 ? s : undefined);
const text = (s: string | undefined, max: number) => (s?.trim() ? s.trim().slice(0, max) : undefined);

function ownName(e: CdEvent): string | undefined {
  const c = e.subject.content;
  if (e.kind.startsWith('service.')) return e.subject.id;
  if (e.kind.startsWith('incident.')) return c.service?.id;
  if (e.kind === 'change.merged') return c.repository?.id;
  if (e.kind === 'pipelinerun.finished') return c.pipelineName;
  return undefined;
}

/** The service an event is about, by the rule above. */
export function serviceOf(e: CdEvent): string | undefined {
  return [e.custom.service, ownName(e), serviceOfArtifact(e.subject.content.artifactId), e.context.source].find(isServiceName);
}

/** The commit an event names, by the rule above. */
export function shaOf(e: CdEvent): string | undefined {
  return e.custom.sha ?? e.custom.commit ?? (e.kind === 'service.rolledback' ? undefined : commitOfArtifact(e.subject.content.artifactId));
}

function outcomeStatus(outcome: string | undefined, errors: string | undefined): 'success' | 'failure' | 'cancelled' | null {
  const o = outcome?.trim().toLowerCase();
  if (o === undefined || o === '') return errors?.trim() ? 'failure' : 'success';
  if (['pass', 'passed', 'success', 'succeeded', 'successful'].includes(o)) return 'success';
  if (['fail', 'failed', 'failure', 'error', 'errored'].includes(o)) return 'failure';
  if (['cancel', 'cancelled', 'canceled', 'aborted'].includes(o)) return 'cancelled';
  return null;
}

/** Maps one CDEvent to a native event, or says why it is ignored. */
export function mapCdEvent(e: CdEvent, opts: MapOptions): MapResult {
  const service = serviceOf(e);
  if (!service) return { ignored: 'no service name: send it as customData.service' };
  const c = e.subject.content;
  const sha = shaOf(e);
  const at = e.context.timestamp;
  const common = { source: CDEVENTS_SOURCE, service } as const;
  switch (e.kind) {
    case 'service.deployed':
    case 'service.upgraded':
    case 'service.rolledback':
      return {
        event: {
          type: 'deployment',
          ...common,
          id: e.context.id,
          environment: c.environment!.id,
          status: e.kind === 'service.rolledback' ? 'failure' : 'success',
          startedAt: e.custom.startedAt,
          finishedAt: at,
          sha,
          commits: e.custom.commits,
          rework: e.custom.rework,
          url: e.custom.url,
          updatedAt: at,
        },
      };
    case 'testsuiterun.finished':
    case 'pipelinerun.finished': {
      const pipeline = e.kind === 'pipelinerun.finished';
      const status = outcomeStatus(c.outcome, c.errors);
      if (!status)
        return {
          ignored: `subject.content.outcome "${String(c.outcome).slice(0, 50)}" is not one Deming knows: send success, failure, cancel or error`,
        };
      return {
        event: {
          type: 'ci_run',
          ...common,
          id: `${pipeline ? 'pipelinerun' : 'testsuiterun'}:${e.subject.id}`,
          name: text(pipeline ? c.pipelineName : (c.testSuite?.name ?? c.testSuite?.id), 300) ?? (pipeline ? 'pipeline' : 'test suite'),
          status,
          startedAt: e.custom.startedAt ?? at,
          finishedAt: at,
          sha,
          branch: e.custom.branch,
          tests: e.custom.tests,
          url: e.custom.url ?? httpUrl(pipeline ? (c.url ?? c.uri) : c.testSuite?.uri),
          updatedAt: at,
        },
      };
    }
    case 'change.merged': {
      if (!sha) return { ignored: 'change.merged names no commit: send its sha as customData.sha' };
      const number = e.custom.pullRequest ?? (/^\d{1,9}$/.test(e.subject.id) ? Number(e.subject.id) : undefined);
      return {
        event: {
          type: 'change',
          ...common,
          sha,
          committedAt: e.custom.committedAt ?? at,
          authoredAt: e.custom.authoredAt,
          parents: e.custom.parents,
          url: e.custom.url,
          pullRequest: number && number > 0 ? { number, mergedAt: at, mergeSha: sha } : undefined,
          updatedAt: at,
        },
      };
    }
    case 'incident.detected':
    case 'incident.reported':
    case 'incident.resolved': {
      const environment = c.environment!.id;
      if (!opts.production.test(environment)) {
        return {
          ignored: `incident in environment "${environment.slice(0, 100)}", which is not production (${opts.production}): change the "production" pattern to count it`,
        };
      }
      const predicate = e.kind === 'incident.detected' ? 'detected' : e.kind === 'incident.reported' ? 'reported' : 'resolved';
      return {
        predicate,
        incident: {
          type: 'incident',
          ...common,
          id: e.subject.id,
          openedAt: predicate === 'resolved' ? e.custom.openedAt : at,
          resolvedAt: predicate === 'resolved' ? at : undefined,
          severity: text(e.custom.severity, 50),
          title: text(c.description, 500),
          rootCauseSha: sha,
          url: httpUrl(c.ticketURI) ?? e.custom.url,
          updatedAt: at,
        },
      };
    }
  }
}

const earliest = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined ? a : Date.parse(a) <= Date.parse(b) ? a : b;
const latest = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined ? a : Date.parse(a) >= Date.parse(b) ? a : b;

/**
 * One incident from what was known before and what this event reports: the earliest open
 * time, the first title; the resolution and other fields from the newest report first (by
 * `updatedAt`: a report older than what is known, replayed or late, fills gaps and changes
 * nothing else), and the newest `updatedAt`, so the result is never older than what is stored.
 * Null when it still has no open time (a `resolved` for an incident never detected).
 */
export function mergeIncident(previous: Incident | undefined, report: IncidentReport): Incident | null {
  const openedAt = earliest(previous?.openedAt, report.openedAt);
  if (openedAt === undefined) return null;
  const older =
    report.updatedAt !== undefined && previous?.updatedAt !== undefined && Date.parse(report.updatedAt) < Date.parse(previous.updatedAt);
  const pick = <K extends keyof IncidentReport>(k: K) => (older ? (previous?.[k] ?? report[k]) : (report[k] ?? previous?.[k]));
  return {
    type: 'incident',
    id: report.id,
    source: report.source,
    service: previous?.service ?? report.service,
    openedAt,
    resolvedAt: pick('resolvedAt'),
    title: previous?.title ?? report.title,
    severity: pick('severity'),
    url: pick('url'),
    rootCauseSha: pick('rootCauseSha'),
    deploymentId: pick('deploymentId'),
    updatedAt: latest(previous?.updatedAt, report.updatedAt),
  };
}
