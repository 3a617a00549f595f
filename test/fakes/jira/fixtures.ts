/**
 * Jira incidents told twice from one story: as the REST API returns them now (the fake's issues),
 * and as the webhooks sent along the way (`jira:issue_created`, then `jira:issue_updated` for each
 * change), written from Jira's documented payload shape: `{timestamp, webhookEvent,
 * issue_event_type_name, user, issue: {id, key, self, fields}, changelog}`, every field of the issue
 * included (people and the description too, so a test can show that none is stored), with the
 * headers Jira Cloud sends (`X-Atlassian-Webhook-Identifier`, unchanged across retries;
 * `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>` when the admin webhook has a secret).
 */
import { createHmac } from 'node:crypto';
import { renderIssue, type FakeIssue } from './server';

export interface Story {
  id: string;
  key: string;
  project?: string;
  issuetype?: string;
  component: string | null;
  labels?: string[];
  summary: string;
  priority: string;
  createdAt: string;
  reprioritised?: { at: string; priority: string };
  resolvedAt?: string;
  /** The resolution when resolved ("Done" unless said). */
  resolution?: string;
  custom?: Record<string, unknown>;
  /** An issue link: this incident "is caused by" that issue (a change request's key). */
  causedBy?: string;
}

const ms = (s: string) => Date.parse(s);

/** The issue as it stood at a time of its story. */
export function issueAt(s: Story, at: number): FakeIssue {
  const repri = s.reprioritised && ms(s.reprioritised.at) <= at ? s.reprioritised : null;
  const resolved = s.resolvedAt && ms(s.resolvedAt) <= at ? ms(s.resolvedAt) : null;
  const changes = [ms(s.createdAt), repri ? ms(repri.at) : 0, resolved ?? 0];
  return {
    id: s.id,
    key: s.key,
    project: s.project ?? 'OPS',
    issuetype: s.issuetype ?? 'Incident',
    summary: s.summary,
    priority: repri ? repri.priority : s.priority,
    components: s.component ? [s.component] : [],
    labels: s.labels ?? [],
    created: ms(s.createdAt),
    updated: Math.max(...changes),
    resolution: resolved !== null ? (s.resolution ?? 'Done') : null,
    resolutiondate: resolved,
    issuelinks: s.causedBy
      ? [{ type: { name: 'Problem/Incident', inward: 'is caused by', outward: 'causes' }, inwardIssue: { key: s.causedBy } }]
      : [],
    custom: s.custom ?? {},
    reporter: 'Dr Jane Smith',
    assignee: 'Sam Patel',
    description: 'Jane Smith rang the service desk from ward 7',
  };
}

/** The issue as the REST API returns it at the end of its story. */
export const restIssue = (s: Story): FakeIssue => issueAt(s, Infinity);

export interface Delivery {
  /** X-Atlassian-Webhook-Identifier. */
  id: string;
  body: string;
}

/** The webhooks of a story, in the order Jira sends them; times written in the site's zone. */
export function webhookDeliveries(s: Story, zone: string, baseUrl: string): Delivery[] {
  const steps: { at: number; event: string; type: string; items: unknown[] }[] = [
    { at: ms(s.createdAt), event: 'jira:issue_created', type: 'issue_created', items: [] },
  ];
  if (s.reprioritised)
    steps.push({
      at: ms(s.reprioritised.at),
      event: 'jira:issue_updated',
      type: 'issue_updated',
      items: [{ field: 'priority', fromString: s.priority, toString: s.reprioritised.priority }],
    });
  if (s.resolvedAt)
    steps.push({
      at: ms(s.resolvedAt),
      event: 'jira:issue_updated',
      type: 'issue_resolved',
      items: [{ field: 'resolution', fromString: null, toString: s.resolution ?? 'Done' }],
    });
  return steps.map((step, n) => ({
    id: `${s.id}-${n + 1}-0d9c3a1e`,
    body: JSON.stringify({
      timestamp: step.at + 250,
      webhookEvent: step.event,
      issue_event_type_name: step.type,
      user: { accountId: '5b10a2844c20165700ede21g', displayName: 'Dr Jane Smith' },
      issue: renderIssue(issueAt(s, step.at), zone, baseUrl, null),
      changelog: { id: String(30000 + n), items: step.items },
    }),
  }));
}

/** X-Hub-Signature for a body under a secret, as Jira's admin webhooks sign. */
export const hubSignature = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
