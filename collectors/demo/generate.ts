/**
 * Deterministic demo data: a fictional government whose departments go from quarterly big
 * batches to several deployments a day over the history, so a newcomer sees the product tell
 * its "months to hours" story before connecting a real source.
 */
import type { NativeEventInput } from '../../common/events';
import type { OrganisationConfig } from '../../common/org';
import { catalogue, incidentTitles } from './catalogue';
import { buildCiRuns } from './ci';
import { buildChain, type CommitDraft } from './commits';
import { buildReleases, type IncidentDraft } from './deployments';
import { timeline } from './practice';
import { demoLoops, practiceDips, withDips, type DemoLoop } from './loops';
import { Random } from './random';
import { iso, monthsBefore } from './time';

/** What shapes the demo: the same options always give byte-identical data. */
export interface DemoOptions {
  /** PRNG seed; default 42. */
  seed?: number;
  /** The end of the history, epoch ms. Injected so the generator never reads the clock. */
  now: number;
  /** Length of the history in calendar months; default 18. */
  months?: number;
}

/** The demo organisation and its native events (all with `source: "demo"`). */
export interface DemoData {
  organisation: OrganisationConfig;
  events: NativeEventInput[];
  /** The loops its people planned (collectors/demo/loops.ts). */
  loops: DemoLoop[];
}

/** How many of the latest incidents stay open, so the dashboard shows an ongoing one. */
const OPEN_INCIDENTS = 2;

function changeEvents(service: string, chain: readonly CommitDraft[]): NativeEventInput[] {
  return chain.map((c, i) => {
    const pr = c.pullRequest;
    return {
      type: 'change',
      source: 'demo',
      service,
      sha: c.sha,
      committedAt: iso(c.committedAt),
      authoredAt: iso(c.authoredAt),
      parents: i === 0 ? [] : [chain[i - 1].sha],
      ...(pr && {
        pullRequest: {
          number: pr.number,
          openedAt: iso(pr.openedAt),
          mergedAt: iso(pr.mergedAt),
          mergeSha: pr.mergeSha,
          firstCommitAt: iso(pr.firstCommitAt),
          ...(pr.planStartedAt !== undefined && { planStartedAt: iso(pr.planStartedAt) }),
          url: `https://github.com/${service}/pull/${pr.number}`,
        },
      }),
      url: `https://github.com/${service}/commit/${c.sha}`,
    };
  });
}

/**
 * Incidents are tracked in one `incidents` repository per department, numbered in the order
 * they were opened, which gives them stable ids and real-looking issue links.
 */
function incidentEvents(random: Random, owner: string, drafts: IncidentDraft[], what: Map<string, string>): NativeEventInput[] {
  drafts.sort((a, b) => a.openedAt - b.openedAt || a.service.localeCompare(b.service));
  return drafts.map((d, i) => {
    const number = i + 1;
    const title = random.pick(incidentTitles).replace('{what}', what.get(d.service) ?? d.service);
    return {
      type: 'incident',
      id: `${owner}/incidents#${number}`,
      source: 'demo',
      service: d.service,
      openedAt: iso(d.openedAt),
      ...(d.resolvedAt !== undefined && { resolvedAt: iso(d.resolvedAt) }),
      severity: d.severity,
      ...(d.deploymentId && { deploymentId: d.deploymentId }),
      ...(d.rootCauseSha && { rootCauseSha: d.rootCauseSha }),
      title: title.charAt(0).toUpperCase() + title.slice(1),
      url: `https://github.com/${owner}/incidents/issues/${number}`,
    };
  });
}

/** The instant an event is about, for ordering the output. */
function mainTime(event: NativeEventInput): string {
  switch (event.type) {
    case 'change':
      return event.committedAt;
    case 'deployment':
      return event.finishedAt ?? event.startedAt ?? '';
    case 'ci_run':
      return event.finishedAt;
    case 'incident':
      return event.openedAt;
  }
}

/**
 * Generates the demo organisation (3 departments, 9 teams, 25 services) and `months` of
 * history ending at `now`: commits and pull requests, CI runs, deployments and incidents,
 * sorted by time. Pure: depends only on its options.
 */
export function generateDemo(options: DemoOptions): DemoData {
  const seed = options.seed ?? 42;
  const now = options.now;
  const start = monthsBefore(now, options.months ?? 18);
  const organisation: OrganisationConfig = [];
  const events: NativeEventInput[] = [];
  const drafts: IncidentDraft[] = [];
  const owners = new Map<string, string>();
  const what = new Map<string, string>();
  const dips = practiceDips(now);

  for (const department of catalogue) {
    const teams = department.teams.map((team) => {
      const segments = withDips(
        timeline(team.levelUps ?? department.levelUps, start, now, Random.derive(seed, `team:${team.id}`)),
        dips.filter((d) => d.team === team.id),
      );
      const services = team.services.map((entry) => {
        const service = `${department.owner}/${entry.repo}`;
        owners.set(service, department.owner);
        what.set(service, entry.what);
        const random = Random.derive(seed, service);
        const chain = buildChain(random, segments, entry.activity, start, now);
        const ci = buildCiRuns(random, service, chain, segments, start, now);
        // Releases push hotfix commits onto the chain, so changes are emitted after them.
        const releases = buildReleases(random, service, chain, segments, ci.passedAt, start, now);
        events.push(...changeEvents(service, chain), ...ci.events, ...releases.events);
        drafts.push(...releases.incidents);
        return service;
      });
      return { id: team.id, name: team.name, services };
    });
    organisation.push({ id: department.id, name: department.name, teams });
  }

  // Keep the latest incidents that were not fixed forward open: an outage in progress.
  const open = drafts.filter((d) => !d.hotfixed).sort((a, b) => b.openedAt - a.openedAt);
  for (const draft of open.slice(0, OPEN_INCIDENTS)) draft.resolvedAt = undefined;

  const random = Random.derive(seed, 'incidents');
  for (const department of catalogue) {
    const own = drafts.filter((d) => owners.get(d.service) === department.owner);
    events.push(...incidentEvents(random, department.owner, own, what));
  }
  const keyed = events.map((event) => ({ event, at: mainTime(event) }));
  keyed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { organisation, events: keyed.map((k) => k.event), loops: demoLoops(now) };
}
