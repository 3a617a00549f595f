/**
 * A Jira issue (a search result of `/rest/api/3/search/jql` or `/rest/api/2/search`, or the `issue`
 * of a webhook) as the incident model's {@link SourceIncident}. Only the fields asked for are read
 * (collectors/jira/config.ts): no reporter, assignee, description or comment is looked at, so none
 * can be stored; the summary only where titles are on or a link reads it.
 *
 * - opened: `created`; resolved: `resolutiondate` (resolved, not closed), both in Jira's own format;
 * - outcome: the resolution's name, through `incidents.jira.resolutions` ("Won't Do" cancelled…), else
 *   the status's name, through `incidents.jira.cancelledStatuses` (a workflow that cancels by status);
 * - severity: the priority's name, or a custom field's value (`severityField`); the tool's service: project, components, labels, issue type and
 *   the custom fields rules name; links: custom fields, the summary and issue links
 *   (`issuelinks.<how>`: "is caused by" → the linked keys).
 */
import { z } from 'zod';
import type { SourceIncident } from '../incidents/model';
import type { JiraSettings } from './config';
import { parseJiraTime } from './dates';

const time = z.string().refine((s) => parseJiraTime(s) !== null, 'expected a Jira time such as 2026-01-02T03:04:05.000+0100');
const named = z.object({ name: z.string().max(1000) }).loose();
const linked = z.object({ key: z.string().max(100) }).loose();

export const jiraIssue = z
  .object({
    id: z.union([z.string().regex(/^\d{1,20}$/, 'expected the issue id Jira gives (digits)'), z.number().int().nonnegative()]),
    key: z.string().regex(/^[A-Z][A-Z0-9_]{0,49}-\d{1,12}$/i, 'expected an issue key such as OPS-12'),
    fields: z
      .object({
        created: time,
        updated: time,
        resolutiondate: time.nullish(),
        resolution: named.nullish(),
        status: named.nullish(),
        priority: named.nullish(),
        project: z
          .object({ key: z.string().max(100) })
          .loose()
          .nullish(),
        issuetype: named.nullish(),
        components: z.array(named).max(1000).nullish(),
        labels: z.array(z.string().max(255)).max(1000).nullish(),
        summary: z.string().max(10_000).nullish(),
        issuelinks: z
          .array(
            z
              .object({
                type: z.object({ inward: z.string().max(200), outward: z.string().max(200) }).loose(),
                inwardIssue: linked.nullish(),
                outwardIssue: linked.nullish(),
              })
              .loose(),
          )
          .max(1000)
          .nullish(),
      })
      .loose(),
  })
  .loose();

/** The text of a custom field's value, whatever its kind: text, number, option, user-less object, list, or a v3 rich-text document. */
export function fieldText(v: unknown, depth = 0): string | undefined {
  if (v === null || v === undefined || depth > 6) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const all = v.map((x) => fieldText(x, depth + 1)).filter((x): x is string => !!x);
    return all.length ? all.join(', ') : undefined;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.type === 'doc' || Array.isArray(o.content)) {
      const texts: string[] = [];
      const walk = (n: unknown, d: number) => {
        if (!n || typeof n !== 'object' || d > 20) return;
        const node = n as { text?: unknown; content?: unknown };
        if (typeof node.text === 'string') texts.push(node.text);
        if (Array.isArray(node.content)) for (const c of node.content) walk(c, d + 1);
      };
      walk(o, 0);
      return texts.join(' ').trim() || undefined;
    }
    for (const k of ['value', 'name', 'key']) if (typeof o[k] === 'string') return o[k];
  }
  return undefined;
}

/** The incident, or why the issue cannot be read (a field named). */
export function fromJira(
  raw: unknown,
  settings: Pick<JiraSettings, 'baseUrl' | 'resolutions' | 'cancelledStatuses' | 'customFields' | 'severityField' | 'model'>,
): SourceIncident | { error: string } {
  const r = jiraIssue.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    return { error: `${i.path.join('.') || 'issue'}: ${i.message}` };
  }
  const issue = r.data;
  const f = issue.fields;
  const raws = f as Record<string, unknown>;
  const ruleFields = new Set(settings.model.rules.flatMap((rule) => rule.when.map((w) => w.field)));
  const fields: Record<string, string> = {};
  const linkFields: Record<string, string> = {};
  if (f.project?.key) fields.project = f.project.key.slice(0, 100);
  const components = (f.components ?? []).map((c) => c.name).filter(Boolean);
  // What rules match is stored with the incident: each value at most 1,000 characters, however many components or labels.
  const cap = (v: string) => v.slice(0, 1000);
  if (components.length) {
    fields.component = cap(components[0]);
    fields.components = cap(components.join(', '));
  }
  const labels = (f.labels ?? []).filter(Boolean);
  if (labels.length) {
    fields.label = cap(labels[0]);
    fields.labels = cap(labels.join(', '));
  }
  if (f.issuetype?.name) fields.issuetype = cap(f.issuetype.name);
  for (const c of settings.customFields) {
    const text = fieldText(raws[c]);
    if (text === undefined) continue;
    if (ruleFields.has(c)) fields[c] = cap(text);
    else linkFields[c] = text;
  }
  if (f.summary) linkFields.summary = f.summary;
  const links = f.issuelinks ?? [];
  if (links.length) {
    const all: string[] = [];
    for (const l of links) {
      const [how, other] = l.outwardIssue
        ? [l.type.outward, l.outwardIssue]
        : l.inwardIssue
          ? [l.type.inward, l.inwardIssue]
          : [null, null];
      if (!how || !other) continue;
      all.push(other.key);
      const k = `issuelinks.${how}`;
      linkFields[k] = linkFields[k] ? `${linkFields[k]} ${other.key}` : other.key;
    }
    if (all.length) linkFields.issuelinks = all.join(' ');
  }
  const resolution = f.resolution?.name ?? null;
  const resolvedAt = f.resolutiondate ? parseJiraTime(f.resolutiondate) : null;
  return {
    id: String(issue.id),
    fields,
    linkFields,
    severityValue:
      settings.severityField === 'priority' ? (f.priority?.name ?? null) : (fieldText(raws[settings.severityField])?.slice(0, 100) ?? null),
    openedAt: parseJiraTime(f.created)!,
    // Resolved, not closed: Jira's resolution date, set when a resolution is; a reopened issue has none.
    resolvedAt: resolution !== null || f.resolution === undefined ? resolvedAt : null,
    outcome:
      (resolution ? settings.resolutions.get(resolution.toLowerCase()) : undefined) ??
      (f.status?.name && settings.cancelledStatuses.has(f.status.name.toLowerCase()) ? 'cancelled' : null),
    title: f.summary ?? null,
    url: `${settings.baseUrl}/browse/${encodeURIComponent(issue.key)}`,
    updatedAt: parseJiraTime(f.updated),
  };
}
