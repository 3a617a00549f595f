/**
 * Alertmanager webhook notifications (version "4"), written from its documented format: the
 * group's alerts (firing and resolved) with their labels, annotations, `startsAt`, `endsAt`
 * (Go's zero time while firing), `generatorURL` and `fingerprint`, and `truncatedAlerts` when
 * `max_alerts` left some out.
 */
import { createHash } from 'node:crypto';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface AlertSpec {
  labels: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  annotations?: Record<string, string>;
}

const fingerprint = (labels: Record<string, string>) =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(labels).sort()))
    .digest('hex')
    .slice(0, 16);

export function alert(a: AlertSpec) {
  const resolved = a.endsAt !== undefined;
  return {
    status: resolved ? 'resolved' : 'firing',
    labels: a.labels,
    annotations: a.annotations ?? {},
    startsAt: a.startsAt,
    endsAt: a.endsAt ?? ZERO_TIME,
    generatorURL: `http://prometheus.internal:9090/graph?g0.expr=${encodeURIComponent(a.labels.alertname ?? '')}`,
    fingerprint: fingerprint(a.labels),
  };
}

/** A notification of a group; its status is firing while any alert fires (truncated ones included: `anyFiringLeftOut`). */
export function notification(
  groupLabels: Record<string, string>,
  alerts: AlertSpec[],
  opts: { truncatedAlerts?: number; anyFiringLeftOut?: boolean; receiver?: string } = {},
) {
  const shown = alerts.map(alert);
  const firing = shown.some((a) => a.status === 'firing') || opts.anyFiringLeftOut === true;
  const common = (key: 'labels' | 'annotations') =>
    Object.fromEntries(Object.entries(shown[0]?.[key] ?? {}).filter(([k, v]) => shown.every((a) => a[key][k] === v)));
  return {
    version: '4',
    groupKey: `{}:{${Object.entries(groupLabels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ')}}`,
    truncatedAlerts: opts.truncatedAlerts ?? 0,
    status: firing ? 'firing' : 'resolved',
    receiver: opts.receiver ?? 'deming',
    groupLabels,
    commonLabels: common('labels'),
    commonAnnotations: common('annotations'),
    externalURL: 'http://alertmanager.internal:9093',
    alerts: shown,
  };
}
