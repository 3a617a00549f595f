/**
 * A Prometheus Alertmanager webhook notification (version "4") as incidents of the incident
 * model. Only alerts that every matcher of `filter` holds for are read (warnings are not
 * incidents). They are grouped into incidents by `groupBy` (labels, `fingerprint`, or the
 * notification's own group labels): a group with a firing alert is an open incident, one whose
 * alerts are all resolved is resolved at the latest `endsAt`. An incident is
 * `<group>@<first startsAt>`; while it is open, later notifications of its group continue it.
 * A firing alert's `endsAt` may be the zero time `0001-01-01T00:00:00Z` (or a time in the
 * future): it means "not ended" and is not read as an end. With `truncatedAlerts`, alerts left
 * out of the notification may still fire: a group whose shown alerts are all resolved is only
 * resolved when the notification's own `status` is.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SourceIncident } from '../incidents/model';
import { matches, type AlertmanagerSettings } from './config';

const time = z
  .string()
  .max(100)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected an RFC 3339 time');
const labels = z.record(z.string().max(1000), z.string().max(10_000));

const alertSchema = z
  .object({
    status: z.enum(['firing', 'resolved'], { error: 'expected firing or resolved' }),
    labels: labels.default({}),
    annotations: labels.default({}),
    startsAt: time,
    endsAt: time.nullish(),
    generatorURL: z.string().max(5000).nullish(),
    fingerprint: z.string().max(200).nullish(),
  })
  .loose();

export const notificationSchema = z
  .object({
    version: z.string().max(20).nullish(),
    groupKey: z.string().max(10_000).nullish(),
    truncatedAlerts: z.number().int().min(0).nullish(),
    status: z.enum(['firing', 'resolved'], { error: 'expected firing or resolved' }),
    receiver: z.string().max(1000).nullish(),
    groupLabels: labels.nullish(),
    commonLabels: labels.nullish(),
    commonAnnotations: labels.nullish(),
    externalURL: z.string().max(5000).nullish(),
    alerts: z.array(alertSchema).max(10_000, 'at most 10,000 alerts in one notification'),
  })
  .loose();

export type Notification = z.infer<typeof notificationSchema>;
type Alert = Notification['alerts'][number];

/** Before 1971: Go's zero time and its kin, "no end". */
const NO_TIME = Date.parse('1971-01-01T00:00:00Z');
const endOf = (a: Alert) => {
  const t = a.endsAt ? Date.parse(a.endsAt) : NaN;
  return Number.isNaN(t) || t < NO_TIME ? null : t;
};

/** A group of alerts as the configured grouping sees it, before it is matched with what is stored. */
export interface AlertGroup {
  /** The group's key (stored as the record's `grouping`). */
  grouping: string;
  openedAt: number;
  resolvedAt: number | null;
  /** The incident as it reads, without its id (which depends on what is stored). */
  incident: Omit<SourceIncident, 'id' | 'openedAt'>;
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
const pairs = (l: Record<string, string>) =>
  JSON.stringify(
    Object.keys(l)
      .sort()
      .map((k) => [k, l[k]]),
  );

/** The labels every alert of a group shares. */
function shared(alerts: Alert[]): Record<string, string> {
  const out: Record<string, string> = { ...alerts[0].labels };
  for (const a of alerts.slice(1)) for (const k of Object.keys(out)) if (a.labels[k] !== out[k]) delete out[k];
  return out;
}

/** At most 50 labels of at most 300 characters are kept for the rules (what a rule can match, not a dump of the alert). */
function bounded(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels)
      .filter(([k, v]) => k.length <= 100 && v.length <= 300)
      .slice(0, 50),
  );
}

export interface ReadOutcome {
  groups: AlertGroup[];
  filtered: number;
  undecided: number;
}

/** The notification's alerts that are incidents, grouped; `now` resolves a group whose alerts give no end. */
export function alertGroups(
  settings: Pick<AlertmanagerSettings, 'filter' | 'groupBy' | 'severityLabel'>,
  n: Notification,
  now: number,
): ReadOutcome {
  const wanted = n.alerts.filter((a) => settings.filter.every((m) => matches(m, a.labels)));
  const byKey = new Map<string, Alert[]>();
  for (const a of wanted) {
    let key: string;
    if (settings.groupBy === 'fingerprint') key = `fp:${a.fingerprint ?? digest(pairs(a.labels))}`;
    else if (settings.groupBy)
      key = digest(`${n.receiver ?? ''}\n${pairs(Object.fromEntries(settings.groupBy.map((l) => [l, a.labels[l] ?? ''])))}`);
    else key = digest(`${n.receiver ?? ''}\n${pairs(n.groupLabels ?? {})}`);
    const list = byKey.get(key);
    if (list) list.push(a);
    else byKey.set(key, [a]);
  }
  const truncated = (n.truncatedAlerts ?? 0) > 0;
  const groups: AlertGroup[] = [];
  let undecided = 0;
  for (const [grouping, alerts] of byKey) {
    const firing = alerts.filter((a) => a.status === 'firing');
    const resolved = firing.length === 0 && (!truncated || n.status === 'resolved');
    // Every alert shown is resolved, but some were left out of a firing notification: no answer from this one.
    if (firing.length === 0 && !resolved) {
      undecided++;
      continue;
    }
    const starts = alerts.map((a) => Date.parse(a.startsAt));
    const openedAt = Math.min(...starts);
    const ends = alerts.map(endOf).filter((t): t is number => t !== null && t <= now);
    const resolvedAt = resolved ? (ends.length > 0 ? Math.max(...ends) : now) : null;
    const fields = bounded({ ...(n.groupLabels ?? {}), ...shared(alerts) });
    const first = firing[0] ?? alerts[0];
    const annotations = { ...(n.commonAnnotations ?? {}), ...first.annotations };
    const linkFields: Record<string, string> = { ...first.labels };
    for (const [k, v] of Object.entries(annotations)) linkFields[`annotations.${k}`] = v;
    const url = first.generatorURL && /^https?:\/\//.test(first.generatorURL) ? first.generatorURL : null;
    groups.push({
      grouping,
      openedAt,
      resolvedAt,
      incident: {
        fields,
        linkFields,
        severityValue: fields[settings.severityLabel] ?? first.labels[settings.severityLabel] ?? null,
        resolvedAt,
        outcome: null,
        title: annotations.summary ?? fields.alertname ?? null,
        url,
        // A resolution is newer than every firing of its group; a firing, as new as its latest alert.
        updatedAt: resolvedAt ?? Math.max(...starts),
        grouping,
      },
    });
  }
  return { groups, filtered: n.alerts.length - wanted.length, undecided };
}

/** The incident a group is: the open one of its group, continued, or a new one from its first start. */
export function incidentOf(g: AlertGroup, open: { id: string; openedAt: number } | undefined): SourceIncident {
  const openedAt = open ? Math.min(open.openedAt, g.openedAt) : g.openedAt;
  return { ...g.incident, id: open?.id ?? `${g.grouping}@${new Date(g.openedAt).toISOString()}`, openedAt };
}
