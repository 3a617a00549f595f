/**
 * `GET /metrics`: the five metrics of every service, team, department and the organisation over
 * the last 30 days, in the Prometheus text format, for teams that already run Grafana.
 * Scraped every 15-60 s, so every scope is computed from the in-memory fact index (no SQL) by
 * the read service, and the ingestion counters are counted incrementally from the append-only
 * raw event log.
 */
import { Router } from 'express';
import type { FiveMetrics } from '../../common/api';
import { eventTypes } from '../../common/events';
import type { StoreReads } from '../../db/reads';
import type { AppContext } from '../context';
import { requireRole } from '../auth';
import { prometheusFigures, type ReadContext } from '../read';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus, type MetricFamily } from './prometheus-text';

const DAY_MS = 86_400_000;
/** The window every figure covers: the last 30 days up to now. */
export const PROMETHEUS_WINDOW_DAYS = 30;

const gauges: { name: string; help: string; value: (m: FiveMetrics) => number | null }[] = [
  { name: 'deming_deployments_per_week', help: 'Successful production deployments per week.', value: (m) => m.deploymentFrequency.perWeek },
  {
    name: 'deming_production_deployments',
    help: 'Successful production deployments that finished in the window.',
    value: (m) => m.deploymentFrequency.count,
  },
  {
    name: 'deming_deployment_days_per_week_median',
    help: 'Median, over the calendar weeks of the window, of the days with a deployment.',
    value: (m) => m.deploymentFrequency.deployDaysPerWeekMedian,
  },
  {
    name: 'deming_lead_time_p50_seconds',
    help: 'Change lead time (commit to its first successful production deployment), median.',
    value: (m) => m.leadTime.p50,
  },
  { name: 'deming_lead_time_p85_seconds', help: 'Change lead time, 85th percentile.', value: (m) => m.leadTime.p85 },
  { name: 'deming_lead_time_p95_seconds', help: 'Change lead time, 95th percentile.', value: (m) => m.leadTime.p95 },
  {
    name: 'deming_change_failure_ratio',
    help: 'Share (0..1) of successful production deployments that an incident is linked to.',
    value: (m) => m.changeFailureRate.rate,
  },
  {
    name: 'deming_time_to_restore_p50_seconds',
    help: 'Time from incident opened to resolved, median, for incidents resolved in the window.',
    value: (m) => m.timeToRestore.p50,
  },
  {
    name: 'deming_failed_deployment_recovery_p50_seconds',
    help: 'Failed deployment recovery time (DORA 2024): time to restore of the incidents linked to a production deployment explicitly or by a root-cause sha, median.',
    value: (m) => m.failedDeploymentRecoveryTime.p50,
  },
  {
    name: 'deming_rework_ratio',
    help: 'Share (0..1) of successful production deployments that were unplanned (hotfixes, or made during an open incident).',
    value: (m) => m.reworkRate.rate,
  },
];

/** Counts raw events by type, reading only the rows added since the last scrape (one scrape's count at a time, so none is added twice). */
function ingestCounter(store: StoreReads) {
  let seen = 0;
  const totals = new Map<string, number>(eventTypes.map((t) => [t, 0]));
  let queue: Promise<unknown> = Promise.resolve();
  const step = async () => {
    let r = await store.countEventsByType(seen);
    if (r.maxId < seen) {
      // the log was truncated: count again from the start
      for (const t of totals.keys()) totals.set(t, 0);
      r = await store.countEventsByType(0);
    }
    for (const c of r.counts) totals.set(c.type, (totals.get(c.type) ?? 0) + c.n);
    seen = r.maxId;
    return { totals, maxId: r.maxId };
  };
  return () => {
    const next = queue.then(step);
    queue = next.catch(() => undefined);
    return next;
  };
}

/** Scrapes this close together, with no event stored between them, get the same answer (an HA pair of Prometheus scrapes twice). */
const REUSE_MS = 5000;

/** Every metric family for the window [to - 30 days, to). */
export async function collectFamilies(ctx: ReadContext, to: number, counted: Map<string, number>): Promise<MetricFamily[]> {
  const w = { from: to - PROMETHEUS_WINDOW_DAYS * DAY_MS, to, tz: ctx.config.tz };
  const figures = (await prometheusFigures(ctx, w)).map((f) => ({
    labels: { scope_kind: f.scope.kind, scope: f.scope.key },
    m: f.metrics,
  }));
  return [
    ...gauges.map((g): MetricFamily => ({
      name: g.name,
      help: `${g.help} Last ${PROMETHEUS_WINDOW_DAYS} days.`,
      type: 'gauge',
      samples: figures.flatMap((f) => {
        const v = g.value(f.m);
        return v === null ? [] : [{ labels: f.labels, value: v }];
      }),
    })),
    {
      name: 'deming_metrics_window_seconds',
      help: 'The length of the window the deming_* gauges cover.',
      type: 'gauge',
      samples: [{ labels: {}, value: (w.to - w.from) / 1000 }],
    },
    {
      name: 'deming_events_ingested_total',
      type: 'counter',
      help: 'Events stored (new, or changed on a re-send) by native type, counted from the raw event log: it survives restarts and includes every source and process writing to the database.',
      samples: [...counted].map(([type, n]) => ({ labels: { type }, value: n })),
    },
  ];
}

/** Mounts `GET /metrics` (role viewer). */
export function prometheusRouter(ctx: AppContext): Router {
  const r = Router();
  const count = ingestCounter(ctx.reads.store);
  let last = { maxId: -1, at: 0, body: '' };
  r.get('/metrics', requireRole(ctx.auth, 'viewer'), async (_req, res) => {
    const now = ctx.now();
    const { totals, maxId } = await count();
    if (maxId !== last.maxId || now < last.at || now - last.at >= REUSE_MS) {
      last = { maxId, at: now, body: renderPrometheus(await collectFamilies(ctx, now, totals)) };
    }
    const body = last.body;
    res.set('Content-Type', PROMETHEUS_CONTENT_TYPE).set('Cache-Control', 'no-store').send(body);
  });
  return r;
}
