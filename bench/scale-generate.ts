/**
 * The scale benchmark's synthetic province (issue 8): departments → teams → services, each
 * service with a linear main branch of commits (most in pull requests), CI runs on merge shas,
 * deployments that ship ever newer heads, and incidents after some of them. Practice improves
 * over the history in four steps (monthly releases → weekly → daily → continuous), so lead
 * times fall from months to hours, as in the demo.
 *
 * Deterministic: one seed gives byte-identical events. Streaming: one service is generated
 * at a time, in time order, and handed out in batches; nothing holds the whole history.
 */
import type { NativeEventInput } from '../common/events';
import type { OrganisationConfig } from '../common/org';
import { Random } from '../collectors/demo/random';
import { monthsBefore } from '../collectors/demo/time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
type Range = readonly [number, number];

/** How big the province is, and how the late backfill is cut out of it. */
export interface ScaleShape {
  departments: number;
  teams: number;
  services: number;
  /** Services outside every configured team (they land in `unassigned`). */
  unmapped: number;
  months: number;
  seed: number;
  /** The end of the history (epoch ms): fixed, so the data never depends on the clock. */
  end: number;
  /** Deployment and change events held back from the middle of history and sent last. */
  backfill: { services: number; events: number };
}

const END = Date.parse('2026-01-01T00:00:00Z');

/** The benchmark's two sizes. `gov`: about 1.5 M successful production deployments and 7 M commits. */
export const SIZES: Record<'dept' | 'gov', ScaleShape> = {
  dept: {
    departments: 1,
    teams: 20,
    services: 200,
    unmapped: 0,
    months: 12,
    seed: 8,
    end: END,
    backfill: { services: 20, events: 10_000 },
  },
  gov: {
    departments: 20,
    teams: 200,
    services: 2000,
    unmapped: 0,
    months: 24,
    seed: 8,
    end: END,
    backfill: { services: 20, events: 10_000 },
  },
};

/** One way of working; durations are drawn log-uniformly from their ranges (ms). */
interface Practice {
  prSize: readonly [number, number];
  doTime: Range;
  review: Range;
  planLead: Range;
  ciChance: number;
  ciDuration: Range;
  ciFailure: number;
  /** Days between scheduled releases; 'daily' or 'continuous' otherwise. */
  release: Range | 'daily' | 'continuous';
  /** Content frozen this long before a release. */
  freeze: Range;
  deployDuration: Range;
  deployFailure: number;
  incident: number;
  incidentDelay: Range;
  restore: Range;
  hotfix: number;
}

const PRACTICES: readonly Practice[] = [
  {
    prSize: [3, 10],
    doTime: [DAY, 6 * DAY],
    review: [DAY, 5 * DAY],
    planLead: [7 * DAY, 42 * DAY],
    ciChance: 0.5,
    ciDuration: [2 * HOUR, 20 * HOUR],
    ciFailure: 0.2,
    release: [25, 35],
    freeze: [7 * DAY, 20 * DAY],
    deployDuration: [HOUR, 3 * HOUR],
    deployFailure: 0.15,
    incident: 0.3,
    incidentDelay: [2 * HOUR, 3 * DAY],
    restore: [DAY, 5 * DAY],
    hotfix: 0,
  },
  {
    prSize: [2, 9],
    doTime: [12 * HOUR, 4 * DAY],
    review: [8 * HOUR, 2 * DAY],
    planLead: [3 * DAY, 14 * DAY],
    ciChance: 0.7,
    ciDuration: [30 * MINUTE, 3 * HOUR],
    ciFailure: 0.15,
    release: [6, 8],
    freeze: [DAY, 3 * DAY],
    deployDuration: [30 * MINUTE, 90 * MINUTE],
    deployFailure: 0.1,
    incident: 0.2,
    incidentDelay: [HOUR, 2 * DAY],
    restore: [6 * HOUR, 2 * DAY],
    hotfix: 0,
  },
  {
    prSize: [1, 9],
    doTime: [4 * HOUR, 2 * DAY],
    review: [2 * HOUR, 12 * HOUR],
    planLead: [DAY, 5 * DAY],
    ciChance: 0.8,
    ciDuration: [15 * MINUTE, 45 * MINUTE],
    ciFailure: 0.12,
    release: 'daily',
    freeze: [HOUR, 4 * HOUR],
    deployDuration: [10 * MINUTE, 30 * MINUTE],
    deployFailure: 0.06,
    incident: 0.08,
    incidentDelay: [30 * MINUTE, DAY],
    restore: [HOUR, 12 * HOUR],
    hotfix: 0.3,
  },
  {
    prSize: [1, 9],
    doTime: [HOUR, DAY],
    review: [15 * MINUTE, 4 * HOUR],
    planLead: [2 * HOUR, 2 * DAY],
    ciChance: 0.75,
    ciDuration: [5 * MINUTE, 15 * MINUTE],
    ciFailure: 0.1,
    release: 'continuous',
    freeze: [1, 2],
    deployDuration: [3 * MINUTE, 10 * MINUTE],
    deployFailure: 0.04,
    incident: 0.025,
    incidentDelay: [5 * MINUTE, 2 * HOUR],
    restore: [10 * MINUTE, 90 * MINUTE],
    hotfix: 0.4,
  },
];
/** Where, as a share of the history, a team moves to the next practice (jittered per team). */
const LEVEL_UPS = [0.08, 0.16, 0.3];
/** Commits per working day on a service of activity 1 (weekends see 5% of that): 4.8 a day on average. */
const COMMITS_PER_WORKDAY = 6.57;
export const SOURCE = 'scale';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
const isWeekend = (ms: number) => {
  const d = new Date(ms).getUTCDay();
  return d === 0 || d === 6;
};

export function startOf(shape: ScaleShape): number {
  return monthsBefore(shape.end, shape.months);
}

/** The department and team of the i-th service, and its name. */
export function placeOf(shape: ScaleShape, i: number): { service: string; team: string | null; department: string | null } {
  if (i >= shape.services) return { service: `misc/unmapped-${pad(i - shape.services, 3)}`, team: null, department: null };
  const team = Math.floor((i * shape.teams) / shape.services);
  const department = Math.floor((team * shape.departments) / shape.teams);
  const firstOfTeam = Math.ceil((team * shape.services) / shape.teams);
  return {
    service: `dept-${pad(department, 2)}/team-${pad(team, 3)}-svc-${pad(i - firstOfTeam, 2)}`,
    team: `dept-${pad(department, 2)}-team-${pad(team, 3)}`,
    department: `dept-${pad(department, 2)}`,
  };
}

/** The organisation as the configuration declares it: one pattern per team. */
export function organisationOf(shape: ScaleShape): OrganisationConfig {
  const org: OrganisationConfig = [];
  for (let t = 0; t < shape.teams; t++) {
    const d = Math.floor((t * shape.departments) / shape.teams);
    if (!org[d]) org[d] = { id: `dept-${pad(d, 2)}`, name: `Department ${d + 1}`, teams: [] };
    org[d].teams.push({
      id: `dept-${pad(d, 2)}-team-${pad(t, 3)}`,
      name: `Team ${t + 1}`,
      services: [`dept-${pad(d, 2)}/team-${pad(t, 3)}-*`],
    });
  }
  return org;
}

export function serviceCount(shape: ScaleShape): number {
  return shape.services + shape.unmapped;
}

interface Commit {
  sha: string;
  committedAt: number;
  landedAt: number;
  seq: number;
  pr?: PullRequest;
}
interface PullRequest {
  number: number;
  openedAt: number;
  mergedAt: number;
  firstCommitAt: number;
  planStartedAt?: number;
  mergeSha: string;
  passedAt?: number;
}

/** One service's history: its events in the order a live feed would have reported them. */
export interface ServiceHistory {
  service: string;
  events: NativeEventInput[];
  /** The sha at the head of main at the end of the history. */
  head: string | null;
}

/**
 * The instant an event is reported at: commits when they land on main, deployments when they
 * start (in progress) and finish, CI runs when they finish, incidents when they open and resolve.
 */
export function reportedAt(e: NativeEventInput): number {
  switch (e.type) {
    case 'change':
      return Date.parse(e.pullRequest?.mergedAt ?? e.committedAt);
    case 'deployment':
      return Date.parse(e.finishedAt ?? e.startedAt ?? '');
    case 'ci_run':
      return Date.parse(e.finishedAt);
    case 'incident':
      return Date.parse(e.resolvedAt ?? e.openedAt);
  }
}

/** The practice schedule of a team: the instants it levels up. */
function levelUps(shape: ScaleShape, team: string, start: number): number[] {
  const random = Random.derive(shape.seed, `team:${team}`);
  return LEVEL_UPS.map((share) => start + (share + random.between(-0.03, 0.03)) * (shape.end - start));
}

const levelAt = (ups: number[], t: number) => {
  let l = 0;
  while (l < ups.length && t >= ups[l]) l++;
  return l;
};

/** Generates the i-th service's history. Pure: depends only on the shape and i. */
export function generateService(shape: ScaleShape, i: number): ServiceHistory {
  const { service, team } = placeOf(shape, i);
  const start = startOf(shape);
  const end = shape.end;
  const ups = levelUps(shape, team ?? 'unmapped', start);
  const random = Random.derive(shape.seed, service);
  const activity = random.between(0.5, 1.5);
  const events: NativeEventInput[] = [];
  let seq = 0;

  // Main: pull requests (rebase-merged, so each one's commits are consecutive) and direct pushes.
  const chain: Commit[] = [];
  let prNumber = random.int(1, 300);
  for (let day = Math.floor(start / DAY) * DAY; day < end; day += DAY) {
    const p = PRACTICES[levelAt(ups, day)];
    const meanSize = (p.prSize[0] + p.prSize[1]) / 2;
    const prShare = 9 / (meanSize + 9); // so that nine commits in ten come through a pull request
    const items = random.poisson((COMMITS_PER_WORKDAY * activity * (isWeekend(day) ? 0.05 : 1)) / (prShare * meanSize + 1 - prShare));
    for (let k = 0; k < items; k++) {
      const at = day + random.between(8 * HOUR, 18 * HOUR);
      if (at < start || at >= end) continue;
      if (!random.chance(prShare)) {
        // Rarely a clock runs ahead: a commit dated after it shipped (excluded from lead time).
        const committedAt = random.chance(0.002) ? at + random.between(HOUR, 6 * HOUR) : at;
        chain.push({ sha: random.hex(40), committedAt, landedAt: at, seq: seq++ });
        continue;
      }
      const size = random.int(p.prSize[0], p.prSize[1]);
      const doTime = size > 1 ? random.spread(p.doTime) : 0;
      const mergedAt = at + doTime + random.spread(p.review);
      if (mergedAt >= end) continue;
      const pr: PullRequest = {
        number: prNumber,
        openedAt: Math.min(at + random.between(0, 0.6) * doTime + random.between(MINUTE, 10 * MINUTE), mergedAt),
        mergedAt,
        firstCommitAt: at,
        planStartedAt: random.chance(0.6) ? at - random.spread(p.planLead) : undefined,
        mergeSha: '',
      };
      prNumber += random.chance(0.3) ? random.int(2, 4) : 1;
      const times = [at];
      for (let c = 1; c < size - 1; c++) times.push(random.between(at, at + doTime));
      if (size > 1) times.push(at + doTime);
      times.sort((a, b) => a - b);
      for (const t of times) chain.push({ sha: random.hex(40), committedAt: t, landedAt: mergedAt, seq: seq++, pr });
      pr.mergeSha = chain[chain.length - 1].sha;
    }
  }
  chain.sort((a, b) => a.landedAt - b.landedAt || a.seq - b.seq);

  // CI on each merged pull request's merge sha: one run, or a failure and its re-run.
  let ciNumber = 0;
  const seen = new Set<PullRequest>();
  for (const c of chain) {
    const pr = c.pr;
    if (!pr || seen.has(pr)) continue;
    seen.add(pr);
    const p = PRACTICES[levelAt(ups, pr.mergedAt)];
    if (!random.chance(p.ciChance)) continue;
    let startedAt = pr.mergedAt + random.spread([MINUTE, 10 * MINUTE]);
    for (let attempt = 0; attempt < 2; attempt++) {
      const failed = attempt === 0 && random.chance(p.ciFailure);
      const finishedAt = startedAt + random.spread(p.ciDuration);
      if (finishedAt >= end) break;
      ciNumber++;
      const total = random.int(50, 900);
      const broken = failed ? random.int(1, 9) : 0;
      events.push({
        type: 'ci_run',
        id: `${service}#ci-${ciNumber}`,
        source: SOURCE,
        service,
        name: 'build-and-test',
        status: failed ? 'failure' : 'success',
        startedAt: iso(startedAt),
        finishedAt: iso(finishedAt),
        sha: pr.mergeSha,
        branch: 'main',
        tests: { passed: total - broken, failed: broken, skipped: random.int(0, 5) },
        url: `https://ci.example.gov/${service}/runs/${ciNumber}`,
      });
      if (!failed) {
        pr.passedAt = finishedAt;
        break;
      }
      startedAt = finishedAt + random.spread([5 * MINUTE, 2 * HOUR]);
    }
  }

  // Release moments: scheduled with a freeze early on, then daily, then after every green merge.
  const triggers: { at: number; cut: number }[] = [];
  const bounds = [start, ...ups, end];
  for (let level = 0; level < PRACTICES.length; level++) {
    const from = bounds[level],
      to = bounds[level + 1];
    const p = PRACTICES[level];
    if (Array.isArray(p.release)) {
      for (let day = from + random.between(2, 12) * DAY; day < to; day += random.between(p.release[0], p.release[1]) * DAY) {
        let at = Math.floor(day / DAY) * DAY + random.between(18 * HOUR, 21 * HOUR);
        while (isWeekend(at)) at += DAY;
        if (at < to) triggers.push({ at, cut: at - random.spread(p.freeze) });
      }
    } else if (p.release === 'daily') {
      for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
        if (isWeekend(day) || !random.chance(0.85)) continue;
        for (const hour of random.chance(0.25) ? [random.between(10, 12), random.between(15, 17)] : [random.between(11, 16)]) {
          const at = day + hour * HOUR;
          if (at >= from && at < to) triggers.push({ at, cut: at - random.spread(p.freeze) });
        }
      }
    } else {
      for (const c of chain) {
        if (c.pr && c.pr.mergeSha !== c.sha) continue;
        const ready = c.pr
          ? (c.pr.passedAt ?? c.pr.mergedAt + random.between(10, 20) * MINUTE)
          : c.landedAt + random.between(10, 20) * MINUTE;
        if (ready < from || ready >= to) continue;
        const at = ready + random.between(1, 5) * MINUTE;
        triggers.push({ at, cut: at });
      }
    }
  }
  triggers.sort((a, b) => a.at - b.at);

  // Deployments: staging rehearsals, failed and cancelled attempts, and what incidents follow.
  const headAt = (t: number) => {
    let lo = 0,
      hi = chain.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (chain[m].landedAt <= t) lo = m + 1;
      else hi = m;
    }
    return lo - 1;
  };
  let deployNumber = 0,
    incidentNumber = 0,
    deployed = -1,
    busyUntil = -Infinity;
  const deploy = (
    environment: string,
    status: 'success' | 'failure' | 'cancelled',
    startedAt: number,
    finishedAt: number,
    sha: string,
    extra: { commits?: string[]; rework?: boolean } = {},
  ) => {
    const id = `${service}#deploy-${++deployNumber}`;
    events.push({
      type: 'deployment',
      id,
      source: SOURCE,
      service,
      environment,
      status,
      startedAt: iso(startedAt),
      finishedAt: iso(finishedAt),
      sha,
      ...extra,
      url: `https://ci.example.gov/${service}/deployments/${deployNumber}`,
    });
    return id;
  };
  for (let k = 0; k < triggers.length; k++) {
    const trigger = triggers[k];
    const at = Math.max(trigger.at, busyUntil + random.between(2, 6) * MINUTE);
    if (at >= end) break;
    const p = PRACTICES[levelAt(ups, at)];
    const head = headAt(trigger.cut + (at - trigger.at));
    if (head <= deployed) continue;
    const sha = chain[head].sha;
    if (random.chance(0.1)) {
      const stagedAt = at - random.between(20, 90) * MINUTE;
      deploy('staging', random.chance(0.05) ? 'failure' : 'success', stagedAt - random.spread(p.deployDuration), stagedAt, sha);
    }
    let startedAt = at;
    let success: { id: string; finishedAt: number } | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const finishedAt = startedAt + random.spread(p.deployDuration);
      if (finishedAt >= end) break;
      busyUntil = finishedAt;
      const roll = attempt === 2 ? 1 : random.next();
      if (roll < p.deployFailure) deploy('production', 'failure', startedAt, finishedAt, sha);
      else if (roll < p.deployFailure + 0.02) deploy('production', 'cancelled', startedAt, finishedAt, sha);
      else {
        // A few sources list the commits they shipped: the whole range since the last release.
        const extra = random.chance(0.05) ? { commits: chain.slice(deployed + 1, head + 1).map((c) => c.sha) } : {};
        success = { id: deploy('production', 'success', startedAt, finishedAt, sha, extra), finishedAt };
        // Some sources report the start too: the same deployment, in progress, updated when it finishes.
        if (random.chance(0.1)) {
          const { finishedAt: _f, ...started } = events[events.length - 1] as Extract<NativeEventInput, { type: 'deployment' }>;
          events.push({ ...started, status: 'in_progress' });
        }
        break;
      }
      startedAt = finishedAt + random.spread([10 * MINUTE, 2 * HOUR]);
    }
    if (!success) continue;
    const shippedFrom = deployed + 1;
    deployed = head;
    if (!random.chance(p.incident)) continue;

    const nextAt = Math.max(triggers[k + 1]?.at ?? Infinity, success.finishedAt + 4 * MINUTE);
    const openedAt = success.finishedAt + Math.min(random.spread(p.incidentDelay), 0.9 * (nextAt - success.finishedAt));
    if (openedAt >= end) continue;
    const link = random.next();
    const incident = {
      type: 'incident' as const,
      id: `${service}#incident-${++incidentNumber}`,
      source: SOURCE,
      service,
      openedAt: iso(openedAt),
      resolvedAt: undefined as string | undefined,
      severity: random.chance(0.1) ? 'sev1' : random.chance(0.4) ? 'sev2' : 'sev3',
      ...(link < 0.45 && { deploymentId: success.id }),
      ...(link >= 0.45 && link < 0.55 && { rootCauseSha: chain[random.int(shippedFrom, head)].sha }),
      title: `Errors after release of ${service}`,
      url: `https://issues.example.gov/${service}/incidents/${incidentNumber}`,
    };
    const restore = random.spread(p.restore);
    const hotfixAt = openedAt + restore * 0.6;
    const hotfixDone = hotfixAt + random.spread(p.deployDuration);
    let resolvedAt = openedAt + restore;
    if (random.chance(p.hotfix) && hotfixDone < Math.min(end, nextAt - 5 * MINUTE)) {
      // Fix forward: a commit straight onto main, shipped with whatever else was waiting.
      const landed = Math.max(hotfixAt - random.between(2, 10) * MINUTE, success.finishedAt + 30_000);
      const index = headAt(landed) + 1;
      chain.splice(index, 0, { sha: random.hex(40), committedAt: landed, landedAt: landed, seq: seq++ });
      deploy('production', 'success', hotfixAt, hotfixDone, chain[index].sha, { rework: true });
      deployed = index;
      busyUntil = hotfixDone;
      resolvedAt = hotfixDone + random.between(2, 15) * MINUTE;
    }
    // Reported when it opens, and again, updated, when it is resolved.
    delete incident.resolvedAt;
    events.push(incident);
    if (resolvedAt < end) events.push({ ...incident, resolvedAt: iso(resolvedAt) });
  }

  chain.forEach((c, n) => {
    const pr = c.pr;
    events.push({
      type: 'change',
      source: SOURCE,
      service,
      sha: c.sha,
      committedAt: iso(c.committedAt),
      authoredAt: iso(c.committedAt - 60_000),
      parents: n === 0 ? [] : [chain[n - 1].sha],
      ...(pr && {
        pullRequest: {
          number: pr.number,
          openedAt: iso(pr.openedAt),
          mergedAt: iso(pr.mergedAt),
          mergeSha: pr.mergeSha,
          firstCommitAt: iso(pr.firstCommitAt),
          ...(pr.planStartedAt !== undefined && { planStartedAt: iso(pr.planStartedAt) }),
          url: `https://git.example.gov/${service}/pull/${pr.number}`,
        },
      }),
      url: `https://git.example.gov/${service}/commit/${c.sha}`,
    });
  });

  // Time order; on a tie, commits first (they land before anything ships them), incidents last,
  // and versions of one event in the order they were made.
  const rank = { change: 0, ci_run: 1, deployment: 2, incident: 3 } as const;
  const keyed = events.map((e, n) => ({ e, n, at: reportedAt(e), r: rank[e.type] }));
  keyed.sort((a, b) => a.at - b.at || a.r - b.r || a.n - b.n);
  return { service, events: keyed.map((k) => k.e), head: chain.length ? chain[chain.length - 1].sha : null };
}

/** Which services lose a stretch of their history to the late backfill. */
export function backfillServices(shape: ScaleShape): number[] {
  const n = Math.min(shape.backfill.services, shape.services);
  if (shape.backfill.events <= 0 || n <= 0) return [];
  return Array.from({ length: n }, (_, j) => Math.floor(((j + 0.5) * shape.services) / n));
}

/**
 * Splits a service's events: a run of consecutive deployments and changes from the middle
 * of its history (a second source, connected late) goes to the backfill; the rest stays.
 */
export function withhold(shape: ScaleShape, h: ServiceHistory, count: number): { kept: NativeEventInput[]; held: NativeEventInput[] } {
  const middle = startOf(shape) + 0.45 * (shape.end - startOf(shape));
  let first = h.events.findIndex((e) => reportedAt(e) >= middle);
  if (first < 0) first = h.events.length;
  const kept: NativeEventInput[] = [];
  const held: NativeEventInput[] = [];
  // A deployment held back in progress is held back finished too, so no old version arrives last.
  const heldDeployments = new Set<string>();
  h.events.forEach((e, n) => {
    const later = e.type === 'deployment' && heldDeployments.has(e.id);
    if (later || (n >= first && held.length < count && (e.type === 'deployment' || e.type === 'change'))) {
      held.push(e);
      if (e.type === 'deployment') heldDeployments.add(e.id);
    } else kept.push(e);
  });
  return { kept, held };
}

export interface StreamOptions {
  /** Hold the backfill back (into `held`) instead of sending it in time order. */
  withholdBackfill: boolean;
  batchSize?: number;
  /** Called once per service, after it is generated. */
  onService?: (h: ServiceHistory, index: number) => void;
}

/**
 * The whole province as batches of `batchSize` events: service after service, each in time
 * order. With `withholdBackfill`, the backfill's events are collected into `held` instead.
 */
export function* batches(shape: ScaleShape, opts: StreamOptions, held: NativeEventInput[] = []): Generator<NativeEventInput[]> {
  const size = opts.batchSize ?? 1000;
  const chosen = new Set(backfillServices(shape));
  const perService = chosen.size ? Math.ceil(shape.backfill.events / chosen.size) : 0;
  let batch: NativeEventInput[] = [];
  for (let i = 0; i < serviceCount(shape); i++) {
    const h = generateService(shape, i);
    opts.onService?.(h, i);
    let events = h.events;
    if (opts.withholdBackfill && chosen.has(i)) {
      const left = shape.backfill.events - held.length;
      const split = withhold(shape, h, Math.min(perService, left));
      events = split.kept;
      held.push(...split.held);
    }
    for (const e of events) {
      batch.push(e);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/** Splits events into batches of `size`. */
export function* chunks<T>(items: readonly T[], size = 1000): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
