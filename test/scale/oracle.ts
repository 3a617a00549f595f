/**
 * An independent recompute of `GET /api/v1/metrics` from the events themselves, written
 * straight from DESIGN.md ("The metrics", "Evidence, recovery and the government benchmark",
 * "Linking commits to deployments", "The change loop"), in memory, sharing no code with the engine. Slow and plain on purpose: it is the
 * yardstick the scale test holds the engine to.
 */
import { readFileSync } from 'node:fs';
import type { NativeEventInput } from '../../common/events';

type Deployment = Extract<NativeEventInput, { type: 'deployment' }>;
type Change = Extract<NativeEventInput, { type: 'change' }>;
type CiRun = Extract<NativeEventInput, { type: 'ci_run' }>;
type Incident = Extract<NativeEventInput, { type: 'incident' }>;
type Band = 'elite' | 'high' | 'medium' | 'low';

const DAY = 86_400_000;
const t = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));

interface Shipment {
  id: string;
  finishedAt: number;
  rework: boolean;
  shipped: string[];
}
interface PullRequest {
  number: number;
  mergedAt: number | null;
  mergeSha: string | null;
  firstCommitAt: number | null;
  planStartedAt: number | null;
  commits: { sha: string; committedAt: number }[];
}

/** Everything known about one service, and what each of its deployments shipped. */
interface ServiceFacts {
  deployments: Shipment[]; // successful production deployments, in shipping order
  anyDeployment: Map<string, Shipment | null>; // every deployment id; null when it does not count
  committedAt: Map<string, number>;
  shippedBy: Map<string, Shipment>;
  incidents: { openedAt: number; resolvedAt: number | null; deploymentId?: string; rootCauseSha?: string }[];
  ciBySha: Map<string, { status: string; finishedAt: number }[]>;
  pullRequests: Map<number, PullRequest>;
}

/** DORA's Quick Check, as shipped: the industries' means and standard deviations of the 0..10 scores. */
const QUICK_CHECK = JSON.parse(readFileSync(new URL('../../benchmarks/dora-quick-check-2025.json', import.meta.url), 'utf8')) as {
  source: string;
  industries: Record<string, { name: string } & Record<string, { mean: number; std: number }>>;
};

/** Φ by Simpson's rule over the normal density from 0 to |x| (accurate to about 1e-15 here). */
function phi(x: number): number {
  const n = 20_000,
    b = Math.abs(x),
    h = b / n;
  const pdf = (u: number) => Math.exp((-u * u) / 2) / Math.sqrt(2 * Math.PI);
  let sum = pdf(0) + pdf(b);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * pdf(i * h);
  const area = (sum * h) / 3;
  return x >= 0 ? 0.5 + area : 0.5 - area;
}

/** Quick Check answers 1..6 from hours (less than an hour: 6) and deployments per week (14 or more: 6). */
const hoursAnswer = (h: number) => 6 - [1, 24, 168, 720, 4380].filter((limit) => h >= limit).length;
const weeklyAnswer = (w: number) => 1 + [2 / 52, 12 / 52, 1, 7, 14].filter((limit) => w >= limit).length;

/** The benchmark block of a scope's "now" figures, computed from the shipped Quick Check data. */
function benchmark(
  now: {
    leadTime: { p50: number | null };
    failedDeploymentRecoveryTime: { p50: number | null };
    deploymentFrequency: { perWeek: number };
    changeFailureRate: { rate: number | null };
    reworkRate: { rate: number | null };
  },
  deployed: boolean,
) {
  const gov = QUICK_CHECK.industries.government,
    all = QUICK_CHECK.industries.all;
  const entry = (answer: number | null, score: number | null, key: string, compare = true) => ({
    answer,
    score,
    aheadOf: {
      government: score === null || !compare ? null : phi((score - gov[key].mean) / gov[key].std),
      all: score === null || !compare ? null : phi((score - all[key].mean) / all[key].std),
    },
  });
  const lead = now.leadTime.p50 === null ? null : hoursAnswer(now.leadTime.p50 / 3600);
  const recovery = now.failedDeploymentRecoveryTime.p50 === null ? null : hoursAnswer(now.failedDeploymentRecoveryTime.p50 / 3600);
  const frequency = deployed ? weeklyAnswer(now.deploymentFrequency.perWeek) : null;
  const score = (a: number | null) => (a === null ? null : (a - 1) * 2);
  const pct = (r: number | null) => (r === null ? null : (100 - 100 * r) / 10);
  const five = [score(lead), score(frequency), score(recovery), pct(now.changeFailureRate.rate)];
  const complete = five.every((v) => v !== null);
  if (now.reworkRate.rate !== null) five.push(pct(now.reworkRate.rate));
  const average = complete ? (five as number[]).reduce((a, b) => a + b, 0) / five.length : null;
  return {
    edition: '2025',
    source: QUICK_CHECK.source,
    about:
      'Survey answers from DORA’s Quick Check (people’s own estimates, not measurements), compared with this scope’s measured figures of the last 90 days.',
    industries: { government: gov.name, all: all.name },
    leadTime: entry(lead, score(lead), 'leadtime'),
    deploymentFrequency: entry(frequency, score(frequency), 'deployfreq'),
    failedDeploymentRecoveryTime: entry(recovery, score(recovery), 'failurerecovery'),
    changeFailureRate: entry(null, pct(now.changeFailureRate.rate), 'changefailure'),
    reworkRate: entry(null, pct(now.reworkRate.rate), 'rework'),
    average: entry(null, average, 'performance_average', complete),
  };
}

/** Linear interpolation between closest ranks (PERCENTILE_CONT). */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = p * (s.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  return s[below] + (s[above] - s[below]) * (rank - below);
}

/** Monday 00:00 UTC of the week holding `ms`. */
const weekStart = (ms: number) => {
  const day = Math.floor(ms / DAY) * DAY;
  return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
};
const monthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextMonth = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

/** The median over calendar periods overlapping [from, to) of the distinct deployment days in each. */
function deployDaysMedian(
  days: Set<number>,
  from: number,
  to: number,
  start: (ms: number) => number,
  next: (ms: number) => number,
): number | null {
  const perPeriod: number[] = [];
  for (let s = start(from); s < to; s = next(s)) {
    const e = next(s);
    perPeriod.push([...days].filter((d) => d >= s && d < e).length);
  }
  return percentile(perPeriod, 0.5);
}

const leadBand = (p50: number | null): Band | null =>
  p50 === null ? null : p50 < 86_400 ? 'elite' : p50 < 7 * 86_400 ? 'high' : p50 < 30 * 86_400 ? 'medium' : 'low';
const cfrBand = (r: number | null): Band | null =>
  r === null ? null : r <= 0.05 ? 'elite' : r <= 0.1 ? 'high' : r <= 0.15 ? 'medium' : 'low';
const restoreBand = (p50: number | null): Band | null =>
  p50 === null ? null : p50 < 3600 ? 'elite' : p50 < 86_400 ? 'high' : p50 < 7 * 86_400 ? 'medium' : 'low';
function frequencyBand(count: number, week: number | null, month: number | null): Band | null {
  if (count === 0) return null;
  if ((week ?? 0) >= 5) return 'elite';
  if ((week ?? 0) >= 1) return 'high';
  if ((month ?? 0) >= 1) return 'medium';
  return 'low';
}
function lowest(bands: (Band | null)[]): Band | null {
  const order: Band[] = ['elite', 'high', 'medium', 'low'];
  const present = bands.filter((b): b is Band => b !== null);
  return present.length === 0 ? null : order[Math.max(...present.map((b) => order.indexOf(b)))];
}

/** Configured evidence starts (by service name) and a configured baseline. */
interface OracleOptions {
  configured?: { services: RegExp; since: number }[];
  baseline?: { from: number; to: number };
}

/** The expected figures of `GET /api/v1/metrics`, computed from the events alone. */
export class Oracle {
  private services = new Map<string, ServiceFacts>();

  constructor(
    events: Iterable<NativeEventInput>,
    private production = /^prod(uction)?$/i,
  ) {
    const deployments = new Map<string, Deployment[]>();
    const parents = new Map<string, Map<string, string[]>>();
    // Deployments, CI runs and incidents are identified by (type, source, id): the latest version counts.
    const latest = new Map<string, NativeEventInput>();
    const changes: Change[] = [];
    for (const e of events) {
      if (e.type === 'change') changes.push(e);
      else (latest.delete(`${e.type} ${e.source ?? 'api'} ${e.id}`), latest.set(`${e.type} ${e.source ?? 'api'} ${e.id}`, e));
    }
    for (const e of [...changes, ...latest.values()]) {
      const f = this.facts(e.service);
      if (e.type === 'deployment') {
        if (!deployments.has(e.service)) deployments.set(e.service, []);
        deployments.get(e.service)!.push(e);
      } else if (e.type === 'change') {
        this.addChange(f, e);
        if (!parents.has(e.service)) parents.set(e.service, new Map());
        parents.get(e.service)!.set(
          e.sha.toLowerCase(),
          (e.parents ?? []).map((p) => p.toLowerCase()),
        );
      } else if (e.type === 'ci_run') this.addCiRun(f, e);
      else this.addIncident(f, e);
    }
    for (const [service, list] of deployments) this.link(this.facts(service), list, parents.get(service) ?? new Map());
  }

  private facts(service: string): ServiceFacts {
    let f = this.services.get(service);
    if (!f) {
      f = {
        deployments: [],
        anyDeployment: new Map(),
        committedAt: new Map(),
        shippedBy: new Map(),
        incidents: [],
        ciBySha: new Map(),
        pullRequests: new Map(),
      };
      this.services.set(service, f);
    }
    return f;
  }

  private addChange(f: ServiceFacts, c: Change) {
    const sha = c.sha.toLowerCase();
    f.committedAt.set(sha, Date.parse(c.committedAt));
    if (!c.pullRequest) return;
    const p = c.pullRequest;
    let pr = f.pullRequests.get(p.number);
    if (!pr)
      f.pullRequests.set(
        p.number,
        (pr = { number: p.number, mergedAt: null, mergeSha: null, firstCommitAt: null, planStartedAt: null, commits: [] }),
      );
    pr.mergedAt ??= t(p.mergedAt);
    pr.mergeSha ??= p.mergeSha?.toLowerCase() ?? null;
    pr.firstCommitAt ??= t(p.firstCommitAt);
    pr.planStartedAt ??= t(p.planStartedAt);
    pr.commits.push({ sha, committedAt: Date.parse(c.committedAt) });
  }

  private addCiRun(f: ServiceFacts, r: CiRun) {
    if (!r.sha) return;
    const sha = r.sha.toLowerCase();
    if (!f.ciBySha.has(sha)) f.ciBySha.set(sha, []);
    f.ciBySha.get(sha)!.push({ status: r.status, finishedAt: Date.parse(r.finishedAt) });
  }

  private addIncident(f: ServiceFacts, i: Incident) {
    f.incidents.push({
      openedAt: Date.parse(i.openedAt),
      resolvedAt: t(i.resolvedAt),
      deploymentId: i.deploymentId,
      rootCauseSha: i.rootCauseSha?.toLowerCase(),
    });
  }

  /**
   * A successful production deployment ships its listed commits, or else its sha and every
   * ancestor through known parents, less what an earlier one (by finishedAt) shipped.
   */
  private link(f: ServiceFacts, list: Deployment[], parents: Map<string, string[]>) {
    const counted = list
      .filter((d) => d.status === 'success' && this.production.test(d.environment) && d.finishedAt !== undefined)
      .map((d) => ({ d, s: { id: d.id, finishedAt: Date.parse(d.finishedAt!), rework: d.rework === true, shipped: [] as string[] } }))
      .sort((a, b) => a.s.finishedAt - b.s.finishedAt);
    for (const d of list) f.anyDeployment.set(d.id, null);
    // Shas whose every ancestor has shipped: a walk may stop there without changing the answer.
    const closed = new Set<string>();
    for (const { d, s } of counted) {
      f.deployments.push(s);
      f.anyDeployment.set(d.id, s);
      let candidates: string[];
      if (d.commits) candidates = d.commits.map((c) => c.toLowerCase());
      else if (d.sha) {
        candidates = [];
        const seen = new Set<string>();
        const stack = [d.sha.toLowerCase()];
        while (stack.length) {
          const sha = stack.pop()!;
          if (seen.has(sha) || closed.has(sha)) continue;
          seen.add(sha);
          candidates.push(sha);
          stack.push(...(parents.get(sha) ?? []));
        }
        closed.add(d.sha.toLowerCase());
      } else candidates = [];
      for (const sha of candidates)
        if (!f.shippedBy.has(sha)) {
          f.shippedBy.set(sha, s);
          s.shipped.push(sha);
        }
    }
  }

  /** The deployment an incident fails by the change failure rule: named, by root-cause sha, else the latest before it opened. */
  private linkedTo(f: ServiceFacts, i: ServiceFacts['incidents'][number]): Shipment | null {
    if (i.deploymentId !== undefined && f.anyDeployment.has(i.deploymentId)) return f.anyDeployment.get(i.deploymentId) ?? null;
    if (i.rootCauseSha !== undefined && f.shippedBy.has(i.rootCauseSha)) return f.shippedBy.get(i.rootCauseSha)!;
    return [...f.deployments].reverse().find((d) => d.finishedAt < i.openedAt) ?? null;
  }

  /** Since when a service reports incidents and rework (Infinity: never), from its data and the configured dates. */
  private evidence(name: string, f: ServiceFacts, configured: { services: RegExp; since: number }[]) {
    let incidents = Infinity;
    for (const c of configured) if (c.services.test(name)) incidents = Math.min(incidents, c.since);
    const firstOpened = Math.min(...f.incidents.map((i) => i.openedAt));
    for (const i of f.incidents) {
      if (i.openedAt !== firstOpened) continue;
      incidents = Math.min(incidents, this.linkedTo(f, i)?.finishedAt ?? i.openedAt);
    }
    const marked = f.deployments.filter((d) => d.rework).map((d) => d.finishedAt);
    return { incidents, rework: Math.min(incidents, ...marked) };
  }

  /** The figures of a scope (its services, pooled) over [from, to). */
  metrics(services: string[], from: number, to: number, opts: OracleOptions = {}) {
    const now = this.figures(services, to - 90 * DAY, to, opts);
    const deployed = services.some((s) => (this.services.get(s)?.deployments.length ?? 0) > 0);
    const moved = services.flatMap((s) => {
      const f = this.services.get(s);
      return f
        ? [...f.deployments.map((d) => d.finishedAt), ...f.incidents.flatMap((i) => (i.resolvedAt === null ? [] : [i.resolvedAt]))]
        : [];
    });
    const lastDataAt = moved.length === 0 ? null : new Date(moved.reduce((a, b) => Math.max(a, b))).toISOString();
    return { ...this.figures(services, from, to, opts), benchmark: benchmark(now, deployed), lastDataAt };
  }

  private figures(services: string[], from: number, to: number, opts: OracleOptions) {
    const inWindow = (ms: number) => ms >= from && ms < to;
    const all = services
      .map((s) => ({ name: s, f: this.services.get(s) }))
      .filter((x): x is { name: string; f: ServiceFacts } => x.f !== undefined);

    let count = 0;
    const days = new Set<number>();
    const lead: number[] = [];
    let excluded = 0;
    const restore: number[] = [],
      recovery: number[] = [];
    let cfrCount = 0,
      failed = 0,
      reworkCount = 0,
      rework = 0,
      incidentServices = 0,
      reworkServices = 0;
    const stages = { plan: [] as number[], do: [] as number[], check: [] as number[], act: [] as number[], loop: [] as number[] };
    let prCount = 0;
    for (const { name, f } of all) {
      const since = this.evidence(name, f, opts.configured ?? []);
      if (since.incidents < to) incidentServices++;
      if (since.rework < to) reworkServices++;
      const linked = new Set<Shipment>();
      for (const i of f.incidents) {
        const to = this.linkedTo(f, i);
        if (to) linked.add(to);
        if (i.resolvedAt === null || !inWindow(i.resolvedAt) || i.resolvedAt < since.incidents) continue;
        restore.push((i.resolvedAt - i.openedAt) / 1000);
        const explicit =
          (i.deploymentId !== undefined && Boolean(f.anyDeployment.get(i.deploymentId))) ||
          (i.rootCauseSha !== undefined && f.shippedBy.has(i.rootCauseSha));
        if (explicit) recovery.push((i.resolvedAt - i.openedAt) / 1000);
      }
      for (const s of f.deployments) {
        if (!inWindow(s.finishedAt)) continue;
        count++;
        days.add(Math.floor(s.finishedAt / DAY) * DAY);
        if (s.finishedAt >= since.incidents) {
          cfrCount++;
          if (linked.has(s)) failed++;
        }
        const duringIncident = f.incidents.some(
          (i) => i.openedAt < s.finishedAt && (i.resolvedAt === null || s.finishedAt <= i.resolvedAt),
        );
        if (s.finishedAt >= since.rework) {
          reworkCount++;
          if (s.rework || duringIncident) rework++;
        }
      }
      for (const [sha, s] of f.shippedBy) {
        const committedAt = f.committedAt.get(sha);
        if (committedAt === undefined || !inWindow(s.finishedAt)) continue;
        const seconds = (s.finishedAt - committedAt) / 1000;
        if (seconds < 0) excluded++;
        else lead.push(seconds);
      }
      for (const pr of f.pullRequests.values()) {
        if (pr.mergedAt === null) continue;
        const latest = [...pr.commits].sort((a, b) => b.committedAt - a.committedAt)[0];
        const head = pr.mergeSha ?? latest?.sha;
        const shipped = head === undefined ? undefined : f.shippedBy.get(head);
        if (!shipped || !inWindow(shipped.finishedAt)) continue;
        prCount++;
        const runs = f.ciBySha.get(head!) ?? [];
        const passed = runs.filter((r) => r.status === 'success').map((r) => r.finishedAt);
        const checkedAt = passed.length ? Math.min(...passed) : null;
        const checkDone = runs.length === 0 ? pr.mergedAt : checkedAt === null ? null : Math.max(checkedAt, pr.mergedAt);
        const firstCommitAt = pr.firstCommitAt ?? (pr.commits.length ? Math.min(...pr.commits.map((c) => c.committedAt)) : null);
        const span = (a: number | null, b: number | null) => (a === null || b === null || b < a ? null : (b - a) / 1000);
        const add = (k: keyof typeof stages, v: number | null) => {
          if (v !== null) stages[k].push(v);
        };
        add('plan', span(pr.planStartedAt, firstCommitAt));
        add('do', span(firstCommitAt, pr.mergedAt));
        add('check', span(pr.mergedAt, checkDone));
        add('act', span(checkDone, shipped.finishedAt));
        add('loop', span(pr.planStartedAt ?? firstCommitAt, shipped.finishedAt));
      }
    }

    const perDay = count / ((to - from) / DAY);
    const week = deployDaysMedian(days, from, to, weekStart, (ms) => ms + 7 * DAY);
    const month = deployDaysMedian(days, from, to, monthStart, nextMonth);
    const p50 = percentile(lead, 0.5);
    const rate = incidentServices === 0 || cfrCount === 0 ? null : failed / cfrCount;
    // A band needs 10 changes, 10 deployments, 5 incidents, a 28-day window; else "too few".
    const banded = (band: Band | null, enough: boolean) => ({
      band: enough ? band : null,
      bandReason: band !== null && !enough ? 'too few' : null,
    });
    const evidence = (n: number, reason: string) => ({ services: n, servicesInScope: all.length, reason: n === 0 ? reason : null });
    const recoveryFigure = (values: number[]) => {
      const v = percentile(values, 0.5);
      return {
        count: values.length,
        p50: v,
        ...banded(restoreBand(v), values.length >= 5),
        ...evidence(incidentServices, 'no incident source'),
      };
    };
    const five = {
      deploymentFrequency: {
        count,
        perDay,
        perWeek: 7 * perDay,
        deployDaysPerWeekMedian: week,
        deployDaysPerMonthMedian: month,
        ...banded(frequencyBand(count, week, month), to - from >= 28 * DAY),
      },
      leadTime: {
        count: lead.length,
        excluded,
        p50,
        p85: percentile(lead, 0.85),
        p95: percentile(lead, 0.95),
        ...banded(leadBand(p50), lead.length >= 10),
      },
      changeFailureRate: {
        count: cfrCount,
        failed,
        rate,
        ...banded(cfrBand(rate), cfrCount >= 10),
        ...evidence(incidentServices, 'no incident source'),
      },
      timeToRestore: recoveryFigure(restore),
      failedDeploymentRecoveryTime: recoveryFigure(recovery),
      reworkRate: {
        count: reworkCount,
        rework,
        rate: reworkServices === 0 || reworkCount === 0 ? null : rework / reworkCount,
        ...evidence(reworkServices, 'no rework source'),
      },
    };
    return {
      ...five,
      band: lowest([five.deploymentFrequency.band, five.leadTime.band, five.changeFailureRate.band, five.timeToRestore.band]),
      stages: {
        count: prCount,
        plan: percentile(stages.plan, 0.5),
        do: percentile(stages.do, 0.5),
        check: percentile(stages.check, 0.5),
        act: percentile(stages.act, 0.5),
        loop: percentile(stages.loop, 0.5),
      },
      ...this.baseline(
        all.map((x) => x.f),
        to,
        opts.baseline,
      ),
    };
  }

  /**
   * The baseline (the first 90 days from the first production deployment, or a configured
   * range, without what each service's first deployment shipped), "now" (the 90 days to the
   * window's end) and how many times faster now is, on 10 changes or more each.
   */
  private baseline(all: ServiceFacts[], end: number, configured?: { from: number; to: number }) {
    const leadIn = (from: number, to: number, skipFirst: boolean) => {
      const values: number[] = [];
      let leftOut = 0;
      for (const f of all)
        for (const s of f.deployments) {
          if (s.finishedAt < from || s.finishedAt >= to) continue;
          for (const sha of s.shipped) {
            const c = f.committedAt.get(sha);
            if (c === undefined || s.finishedAt < c) continue;
            if (skipFirst && s === f.deployments[0]) leftOut++;
            else values.push((s.finishedAt - c) / 1000);
          }
        }
      return { p50: percentile(values, 0.5), count: values.length, leftOut };
    };
    const nowFrom = end - 90 * DAY;
    const current = leadIn(nowFrom, end, false);
    const now = { from: new Date(nowFrom).toISOString(), to: new Date(end).toISOString(), leadTimeP50: current.p50, count: current.count };
    const firsts = all.flatMap((f) => f.deployments.map((d) => d.finishedAt));
    if (!configured && firsts.length === 0) return { baseline: null, now, speedup: null };
    const from = configured?.from ?? Math.min(...firsts);
    const to = configured?.to ?? from + 90 * DAY;
    const base = leadIn(from, to, true);
    return {
      baseline: {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        leadTimeP50: base.p50,
        count: base.count,
        leftOut: base.leftOut,
        configured: configured !== undefined,
      },
      now,
      speedup:
        base.p50 !== null && current.p50 !== null && current.p50 > 0 && base.count >= 10 && current.count >= 10
          ? base.p50 / current.p50
          : null,
    };
  }

  /** How many of the services fall in each overall band over [from, to). */
  bands(services: string[], from: number, to: number) {
    const counts = { elite: 0, high: 0, medium: 0, low: 0, none: 0 };
    for (const s of services) counts[this.figures([s], from, to, {}).band ?? 'none']++;
    return counts;
  }
}
