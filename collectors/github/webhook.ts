/**
 * GitHub webhook deliveries → native events, through the same adapters as the collector, so
 * the pushed and the pulled views of one history are the same rows. Where a payload lacks
 * what the collector reads (a pull request's commits, a push's parents, a deployment's other
 * statuses, a tag's commit) and a GitHub client is configured, it asks GitHub the same way the
 * collector does; without one it stores what the payload says.
 */
import { z } from 'zod';
import type { NativeEventInput } from '../../common/events';
import { adaptCommit, isoTime } from './adapt-commit';
import { adaptDeployment } from './adapt-deployment';
import { adaptIssue } from './adapt-issue';
import { adaptPullRequest } from './adapt-pull-request';
import { adaptRelease, isDeployedRelease, retractedRelease, shaOfTarget } from './adapt-release';
import { adaptRun, adaptRunAsDeployment } from './adapt-run';
import type { GithubClient } from './client';
import { deploymentSourceOf, type GithubSettings } from './config';
import { fetchPullRequests } from './graphql';
import {
  deploymentPayload,
  deploymentStatusPayload,
  issuePayload,
  pullPayload,
  releasePayload,
  repoRef,
  repositoryPayload,
  workflowRunPayload,
  type RepoRef,
} from './payloads';
import { fetchStatuses } from './sync-deployments';
import { compareCommits } from './sync-compare';
import { tagSha } from './sync-releases';

/**
 * The events a delivery means, or, when none, why it is ignored. `partial` when a read from
 * GitHub failed and the events say only what the delivery did: the same delivery sent again
 * may then say more, so it is not remembered as received.
 */
export interface WebhookOutcome {
  events: NativeEventInput[];
  ignored?: string;
  partial?: boolean;
}

const withRepo = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ action: z.string().optional(), repository: repositoryPayload, ...shape });
const schemas = {
  deployment: withRepo({ deployment: deploymentPayload }),
  deployment_status: withRepo({ deployment: deploymentPayload, deployment_status: deploymentStatusPayload }),
  workflow_run: withRepo({ workflow_run: workflowRunPayload }),
  pull_request: withRepo({ pull_request: pullPayload.extend({ merged: z.boolean().nullish() }) }),
  push: withRepo({ ref: z.string(), before: z.string(), after: z.string(), deleted: z.boolean().optional() }),
  issues: withRepo({ issue: issuePayload }),
  release: withRepo({ release: releasePayload }),
};

/**
 * The actions of each event type that can change what Deming stores. Any other action
 * (`issues` pinned, assigned, milestoned, locked...; `pull_request` opened, synchronize...) is
 * acknowledged and ignored without reading its payload, so a shape Deming does not know is never
 * refused; and so is an event type not listed here (but in the switch below: push and ping have no action).
 */
const usedActions: Record<string, { actions: readonly string[]; otherwise: (action: string) => string }> = {
  deployment: { actions: ['created'], otherwise: (a) => `a deployment ${a}: only new deployments are used` },
  deployment_status: { actions: ['created'], otherwise: (a) => `a deployment status ${a}: only new statuses are used` },
  workflow_run: { actions: ['completed'], otherwise: () => 'the run has not finished' },
  pull_request: { actions: ['closed'], otherwise: () => 'only merged pull requests are used' },
  issues: {
    actions: ['opened', 'edited', 'closed', 'reopened', 'labeled', 'unlabeled'],
    otherwise: (a) => `an issue ${a}: Deming reads issues opened, edited, closed, reopened, labeled and unlabeled`,
  },
  release: {
    actions: ['created', 'published', 'released', 'edited', 'prereleased', 'unpublished', 'deleted'],
    otherwise: (a) => `a release ${a}`,
  },
};

/** The delivery's `action`, when it has one. */
const actionOf = (payload: unknown): string | undefined => {
  const action = typeof payload === 'object' && payload !== null ? (payload as { action?: unknown }).action : undefined;
  return typeof action === 'string' ? action : undefined;
};

/** Thrown when a delivery of a handled type does not have the shape GitHub documents. */
export class WebhookPayloadError extends Error {}

const parts = (repo: RepoRef) => {
  const [owner, name] = repo.fullName.split('/');
  return { owner, name };
};
const ignored = (reason: string): WebhookOutcome => ({ events: [], ignored: reason });

function parse<K extends keyof typeof schemas>(name: K, payload: unknown): z.infer<(typeof schemas)[K]> {
  const r = schemas[name].safeParse(payload);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new WebhookPayloadError(`${name} payload: ${i.path.join('.') || '(body)'}: ${i.message}`);
  }
  return r.data as z.infer<(typeof schemas)[K]>;
}

/** The native events a delivery means, or why it is ignored; `partial` when GitHub could not be asked what the delivery lacks. */
export async function eventsFromWebhook(
  name: string,
  payload: unknown,
  settings: GithubSettings,
  client: GithubClient | null,
  log: (m: string) => void = () => {},
): Promise<WebhookOutcome> {
  let failed = false;
  /** Asks GitHub when a client is configured; on failure the caller keeps what the payload says. */
  const ask = async <T>(what: string, fn: (c: GithubClient) => Promise<T>): Promise<T | undefined> => {
    if (!client) return undefined;
    try {
      return await fn(client);
    } catch (e) {
      failed = true;
      log(`github webhook: could not read ${what} from GitHub (${(e as Error).message}); stored what the delivery says`);
      return undefined;
    }
  };
  const outcome = await outcomeOf(name, payload, settings, client, ask);
  return failed ? { ...outcome, partial: true } : outcome;
}

type Ask = <T>(what: string, fn: (c: GithubClient) => Promise<T>) => Promise<T | undefined>;

async function outcomeOf(
  name: string,
  payload: unknown,
  settings: GithubSettings,
  client: GithubClient | null,
  ask: Ask,
): Promise<WebhookOutcome> {
  const used = usedActions[name];
  const action = actionOf(payload);
  if (used && action !== undefined && !used.actions.includes(action)) return ignored(used.otherwise(action.slice(0, 60)));
  switch (name) {
    case 'ping':
      return ignored('ping: the webhook works');
    case 'deployment':
    case 'deployment_status': {
      const p = parse(name, payload);
      const repo = repoRef(p.repository);
      const source = deploymentSourceOf(settings, repo.fullName);
      if (source.from !== 'deployments') return ignored(`deployments of ${repo.fullName} are its ${source.from}`);
      const own = 'deployment_status' in p ? [p.deployment_status] : [];
      if (!client && own.length > 0 && own.every((s) => s.state === 'inactive'))
        return ignored('an inactive status says nothing about how the deployment went');
      const all = await ask('the deployment statuses', (c) => fetchStatuses(c, parts(repo), p.deployment.id));
      const statuses = all && !all.notModified ? all.statuses : own;
      return { events: [adaptDeployment(repo, p.deployment, statuses)] };
    }
    case 'workflow_run': {
      const p = parse(name, payload);
      const repo = repoRef(p.repository);
      const events: NativeEventInput[] = [];
      const ci = adaptRun(repo, p.workflow_run);
      if (ci) events.push(ci);
      const deployment = adaptRunAsDeployment(
        repo,
        p.workflow_run,
        deploymentSourceOf(settings, repo.fullName),
        p.repository.default_branch,
      );
      if (deployment) events.push(deployment);
      return events.length > 0 ? { events } : ignored('the run has not finished');
    }
    case 'pull_request': {
      const p = parse(name, payload);
      const pr = p.pull_request;
      if (!pr.merged_at) return ignored('only merged pull requests are used');
      const repo = repoRef(p.repository);
      const fetched = await ask(`pull request #${pr.number}`, (c) =>
        fetchPullRequests(c, parts(repo).owner, parts(repo).name, [pr.number]),
      );
      if (fetched && fetched.length > 0) return { events: adaptPullRequest(repo, fetched[0].pr, fetched[0].moreCommits) };
      if (!pr.merge_commit_sha) return ignored('the pull request has no merge commit');
      // GitHub makes the merge commit when it merges, so its commit time is the merge time.
      const mergedAt = isoTime(pr.merged_at);
      return {
        events: [
          adaptCommit(
            repo,
            { sha: pr.merge_commit_sha.toLowerCase(), committedAt: mergedAt, parents: [] },
            {
              number: pr.number,
              openedAt: isoTime(pr.created_at),
              mergedAt,
              mergeSha: pr.merge_commit_sha.toLowerCase(),
              url: pr.html_url,
            },
            isoTime(pr.updated_at),
          ),
        ].map(({ parents: _p, ...e }) => e),
      };
    }
    case 'push': {
      const p = parse(name, payload);
      const branch = p.repository.default_branch;
      if (!branch || p.ref !== `refs/heads/${branch}` || p.deleted || /^0+$/.test(p.before) || /^0+$/.test(p.after))
        return ignored('only pushes to the default branch are used');
      if (!client) return ignored("a push is used only when sources.github has a token, to read the commits' parents");
      const repo = repoRef(p.repository);
      const events = await ask('the pushed commits', (c) =>
        compareCommits(c, { ...repo, ...parts(repo), defaultBranch: branch }, p.before, p.after),
      );
      return events && events.length > 0 ? { events } : ignored('no commits could be read');
    }
    case 'issues': {
      const p = parse(name, payload);
      const event = adaptIssue(repoRef(p.repository), p.issue, settings.incidentLabels);
      return event ? { events: [event] } : ignored(`the issue has none of the incident labels (${settings.incidentLabels.join(', ')})`);
    }
    case 'release': {
      const p = parse(name, payload);
      const repo = repoRef(p.repository);
      const source = deploymentSourceOf(settings, repo.fullName);
      if (source.from !== 'releases') return ignored(`releases of ${repo.fullName} are not its deployments`);
      // Deleted, unpublished, or edited into one that no longer counts (a pre-release, a draft, a tag
      // the rules leave out): a deployment it was is retracted (DESIGN.md). Its tag may be gone: no lookup.
      const changedAction = p.action === 'deleted' || p.action === 'unpublished' || p.action === 'edited' || p.action === 'prereleased';
      if (
        changedAction &&
        p.release.published_at &&
        (p.action === 'deleted' || p.action === 'unpublished' || !isDeployedRelease(p.release, source))
      ) {
        return {
          events: [
            retractedRelease(
              repo,
              {
                id: p.release.id,
                tag: p.release.tag_name,
                sha: shaOfTarget(p.release) ?? null,
                publishedAt: p.release.published_at,
                url: p.release.html_url,
              },
              source,
            ),
          ],
        };
      }
      const sha = shaOfTarget(p.release) ?? (await ask(`tag ${p.release.tag_name}`, (c) => tagSha(c, parts(repo), p.release.tag_name)));
      const event = adaptRelease(repo, p.release, sha, source);
      return event ? { events: [event] } : ignored('the release is a draft, a pre-release or its tag does not match');
    }
    default:
      return ignored(`GitHub "${name.slice(0, 60)}" events are not used`);
  }
}
