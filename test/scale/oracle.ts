/**
 * An independent recompute of `GET /api/v1/metrics` from the events themselves, written
 * straight from DESIGN.md ("The metrics", "Linking commits to deployments", "The change
 * loop"), in memory, sharing no code with the engine. Slow and plain on purpose: it is the
 * yardstick the scale test holds the engine to.
 */
import type { NativeEventInput } from '../../common/events';

type Deployment = Extract<NativeEventInput, { type: 'deployment' }>;
type Change = Extract<NativeEventInput, { type: 'change' }>;
type CiRun = Extract<NativeEventInput, { type: 'ci_run' }>;
type Incident = Extract<NativeEventInput, { type: 'incident' }>;
type Band = 'elite' | 'high' | 'medium' | 'low';

const DAY = 86_400_000;
const t = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));

interface Shipment { id: string; finishedAt: number; rework: boolean }
interface PullRequest { number: number; mergedAt: number | null; mergeSha: string | null; firstCommitAt: number | null; planStartedAt: number | null; commits: { sha: string; committedAt: number }[] }

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
const weekStart = (ms: number) => { const day = Math.floor(ms / DAY) * DAY; return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY; };
const monthStart = (ms: number) => { const d = new Date(ms); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1); };
const nextMonth = (ms: number) => { const d = new Date(ms); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1); };

/** The median over calendar periods overlapping [from, to) of the distinct deployment days in each. */
function deployDaysMedian(days: Set<number>, from: number, to: number, start: (ms: number) => number, next: (ms: number) => number): number | null {
  const perPeriod: number[] = [];
  for (let s = start(from); s < to; s = next(s)) {
    const e = next(s);
    perPeriod.push([...days].filter((d) => d >= s && d < e).length);
  }
  return percentile(perPeriod, 0.5);
}

const leadBand = (p50: number | null): Band | null => p50 === null ? null : p50 < 86_400 ? 'elite' : p50 < 7 * 86_400 ? 'high' : p50 < 30 * 86_400 ? 'medium' : 'low';
const cfrBand = (r: number | null): Band | null => r === null ? null : r <= 0.05 ? 'elite' : r <= 0.1 ? 'high' : r <= 0.15 ? 'medium' : 'low';
const restoreBand = (p50: number | null): Band | null => p50 === null ? null : p50 < 3600 ? 'elite' : p50 < 86_400 ? 'high' : p50 < 7 * 86_400 ? 'medium' : 'low';
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

/** The expected figures of `GET /api/v1/metrics`, computed from the events alone. */
export class Oracle {
  private services = new Map<string, ServiceFacts>();

  constructor(events: Iterable<NativeEventInput>, private production = /^prod(uction)?$/i) {
    const deployments = new Map<string, Deployment[]>();
    const parents = new Map<string, Map<string, string[]>>();
    // Deployments, CI runs and incidents are identified by (type, source, id): the latest version counts.
    const latest = new Map<string, NativeEventInput>();
    const changes: Change[] = [];
    for (const e of events) {
      if (e.type === 'change') changes.push(e);
      else latest.delete(`${e.type} ${e.source ?? 'api'} ${e.id}`), latest.set(`${e.type} ${e.source ?? 'api'} ${e.id}`, e);
    }
    for (const e of [...changes, ...latest.values()]) {
      const f = this.facts(e.service);
      if (e.type === 'deployment') {
        if (!deployments.has(e.service)) deployments.set(e.service, []);
        deployments.get(e.service)!.push(e);
      } else if (e.type === 'change') {
        this.addChange(f, e);
        if (!parents.has(e.service)) parents.set(e.service, new Map());
        parents.get(e.service)!.set(e.sha.toLowerCase(), (e.parents ?? []).map((p) => p.toLowerCase()));
      } else if (e.type === 'ci_run') this.addCiRun(f, e);
      else this.addIncident(f, e);
    }
    for (const [service, list] of deployments) this.link(this.facts(service), list, parents.get(service) ?? new Map());
  }

  private facts(service: string): ServiceFacts {
    let f = this.services.get(service);
    if (!f) {
      f = { deployments: [], anyDeployment: new Map(), committedAt: new Map(), shippedBy: new Map(), incidents: [], ciBySha: new Map(), pullRequests: new Map() };
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
    if (!pr) f.pullRequests.set(p.number, (pr = { number: p.number, mergedAt: null, mergeSha: null, firstCommitAt: null, planStartedAt: null, commits: [] }));
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
    f.incidents.push({ openedAt: Date.parse(i.openedAt), resolvedAt: t(i.resolvedAt), deploymentId: i.deploymentId, rootCauseSha: i.rootCauseSha?.toLowerCase() });
  }

  /**
   * A successful production deployment ships its listed commits, or else its sha and every
   * ancestor through known parents, less what an earlier one (by finishedAt) shipped.
   */
  private link(f: ServiceFacts, list: Deployment[], parents: Map<string, string[]>) {
    const counted = list
      .filter((d) => d.status === 'success' && this.production.test(d.environment) && d.finishedAt !== undefined)
      .map((d) => ({ d, s: { id: d.id, finishedAt: Date.parse(d.finishedAt!), rework: d.rework === true } }))
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
      for (const sha of candidates) if (!f.shippedBy.has(sha)) f.shippedBy.set(sha, s);
    }
  }

  /** The figures of a scope (its services, pooled) over [from, to). */
  metrics(services: string[], from: number, to: number) {
    const inWindow = (ms: number) => ms >= from && ms < to;
    const all = services.map((s) => this.services.get(s)).filter((f): f is ServiceFacts => f !== undefined);

    const deployments: { s: Shipment; f: ServiceFacts }[] = [];
    const lead: number[] = [];
    let excluded = 0;
    const restore: number[] = [];
    let failed = 0, rework = 0;
    const stages = { plan: [] as number[], do: [] as number[], check: [] as number[], act: [] as number[], loop: [] as number[] };
    let prCount = 0;
    for (const f of all) {
      const linked = new Set<Shipment>();
      for (const i of f.incidents) {
        let to: Shipment | null | undefined;
        if (i.deploymentId !== undefined && f.anyDeployment.has(i.deploymentId)) to = f.anyDeployment.get(i.deploymentId);
        else if (i.rootCauseSha !== undefined && f.shippedBy.has(i.rootCauseSha)) to = f.shippedBy.get(i.rootCauseSha);
        else to = [...f.deployments].reverse().find((d) => d.finishedAt < i.openedAt);
        if (to) linked.add(to);
        if (i.resolvedAt !== null && inWindow(i.resolvedAt)) restore.push((i.resolvedAt - i.openedAt) / 1000);
      }
      for (const s of f.deployments) {
        if (!inWindow(s.finishedAt)) continue;
        deployments.push({ s, f });
        if (linked.has(s)) failed++;
        const duringIncident = f.incidents.some((i) => i.openedAt < s.finishedAt && (i.resolvedAt === null || s.finishedAt <= i.resolvedAt));
        if (s.rework || duringIncident) rework++;
      }
      for (const [sha, s] of f.shippedBy) {
        const committedAt = f.committedAt.get(sha);
        if (committedAt === undefined || !inWindow(s.finishedAt)) continue;
        const seconds = (s.finishedAt - committedAt) / 1000;
        if (seconds < 0) excluded++; else lead.push(seconds);
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
        const add = (k: keyof typeof stages, v: number | null) => { if (v !== null) stages[k].push(v); };
        add('plan', span(pr.planStartedAt, firstCommitAt));
        add('do', span(firstCommitAt, pr.mergedAt));
        add('check', span(pr.mergedAt, checkDone));
        add('act', span(checkDone, shipped.finishedAt));
        add('loop', span(pr.planStartedAt ?? firstCommitAt, shipped.finishedAt));
      }
    }

    const count = deployments.length;
    const perDay = count / ((to - from) / DAY);
    const days = new Set(deployments.map(({ s }) => Math.floor(s.finishedAt / DAY) * DAY));
    const week = deployDaysMedian(days, from, to, weekStart, (ms) => ms + 7 * DAY);
    const month = deployDaysMedian(days, from, to, monthStart, nextMonth);
    const p50 = percentile(lead, 0.5);
    const rate = count === 0 ? null : failed / count;
    const restoreP50 = percentile(restore, 0.5);
    const five = {
      deploymentFrequency: { count, perDay, perWeek: 7 * perDay, deployDaysPerWeekMedian: week, deployDaysPerMonthMedian: month, band: frequencyBand(count, week, month) },
      leadTime: { count: lead.length, excluded, p50, p85: percentile(lead, 0.85), p95: percentile(lead, 0.95), band: leadBand(p50) },
      changeFailureRate: { count, failed, rate, band: cfrBand(rate) },
      timeToRestore: { count: restore.length, p50: restoreP50, band: restoreBand(restoreP50) },
      reworkRate: { count, rework, rate: count === 0 ? null : rework / count },
    };
    return {
      ...five,
      band: lowest([five.deploymentFrequency.band, five.leadTime.band, five.changeFailureRate.band, five.timeToRestore.band]),
      stages: { count: prCount, plan: percentile(stages.plan, 0.5), do: percentile(stages.do, 0.5), check: percentile(stages.check, 0.5), act: percentile(stages.act, 0.5), loop: percentile(stages.loop, 0.5) },
      ...this.baseline(all, p50),
    };
  }

  /** The first 90 days of the scope's data, and how many times faster it is now. */
  private baseline(all: ServiceFacts[], current: number | null) {
    const firsts = all.flatMap((f) => f.deployments.map((d) => d.finishedAt));
    if (firsts.length === 0) return { baseline: null, speedup: null };
    const from = Math.min(...firsts);
    const to = from + 90 * DAY;
    const lead: number[] = [];
    for (const f of all) for (const [sha, s] of f.shippedBy) {
      const c = f.committedAt.get(sha);
      if (c !== undefined && s.finishedAt >= from && s.finishedAt < to && s.finishedAt >= c) lead.push((s.finishedAt - c) / 1000);
    }
    const p50 = percentile(lead, 0.5);
    return {
      baseline: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), leadTimeP50: p50, count: lead.length },
      speedup: p50 !== null && current !== null && current > 0 ? p50 / current : null,
    };
  }

  /** How many of the services fall in each overall band over [from, to). */
  bands(services: string[], from: number, to: number) {
    const counts = { elite: 0, high: 0, medium: 0, low: 0, none: 0 };
    for (const s of services) counts[this.metrics([s], from, to).band ?? 'none']++;
    return counts;
  }
}
