/**
 * The native event contract (DESIGN.md, "Native event fields"), shared by the HTTP ingest
 * route, every collector and the demo generator. Validation happens here, once.
 */
import { z } from 'zod';

const timestamp = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 timestamp with a time zone, such as 2026-03-01T12:00:00Z',
});
const sha = z
  .string({ error: 'expected a commit sha (hex string)' })
  .regex(/^[0-9a-fA-F]{4,64}$/, 'expected a commit sha of 4 to 64 hex characters')
  .transform((s) => s.toLowerCase());
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const service = z
  .string({ error: 'expected the service name, such as "owner/repo"' })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[^\s\u0000-\u001f]+$/, 'must not contain spaces or control characters');
const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2000);
const count = z.number().int('must be a whole number').min(0, 'must not be negative');

export const deploymentStatuses = ['success', 'failure', 'in_progress', 'cancelled'] as const;
export const ciStatuses = ['success', 'failure', 'cancelled'] as const;

export const deploymentEvent = z
  .object({
    type: z.literal('deployment'),
    id: text(200),
    source: text(100).optional(),
    service,
    environment: text(100),
    status: z.enum(deploymentStatuses, { error: `expected one of ${deploymentStatuses.join(', ')}` }),
    startedAt: timestamp.optional(),
    finishedAt: timestamp.optional(),
    sha: sha.optional(),
    commits: z.array(sha).max(10_000).optional(),
    rework: z.boolean({ error: 'expected true or false' }).optional(),
    url: url.optional(),
    // The source's own modification time (DESIGN.md): an older version than the one stored is
    // ignored. Last in every event type, so that db/ingest.ts can leave it out of the event's hash.
    updatedAt: timestamp.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.status !== 'in_progress' && !d.finishedAt) {
      ctx.addIssue({ code: 'custom', path: ['finishedAt'], message: `is required when status is "${d.status}"` });
    }
    notBefore(ctx, d.startedAt, d.finishedAt, 'finishedAt', 'startedAt');
  });

/** Refuses an end before its start, naming the field. */
function notBefore(ctx: z.RefinementCtx, start: string | undefined, end: string | undefined, field: string, startField: string) {
  if (start && end && Date.parse(end) < Date.parse(start)) {
    ctx.addIssue({ code: 'custom', path: [field], message: `must not be before ${startField}` });
  }
}

export const pullRequest = z
  .object({
    number: z.number().int().positive('must be a positive whole number'),
    openedAt: timestamp.optional(),
    mergedAt: timestamp.optional(),
    mergeSha: sha.optional(),
    firstCommitAt: timestamp.optional(),
    planStartedAt: timestamp.optional(),
    url: url.optional(),
  })
  .strict();

export const changeEvent = z
  .object({
    type: z.literal('change'),
    id: text(200).optional(),
    source: text(100).optional(),
    service,
    sha,
    committedAt: timestamp,
    authoredAt: timestamp.optional(),
    parents: z.array(sha).max(64).optional(),
    pullRequest: pullRequest.optional(),
    url: url.optional(),
    updatedAt: timestamp.optional(),
  })
  .strict();

export const ciRunEvent = z
  .object({
    type: z.literal('ci_run'),
    id: text(200),
    source: text(100).optional(),
    service,
    name: text(300),
    status: z.enum(ciStatuses, { error: `expected one of ${ciStatuses.join(', ')}` }),
    startedAt: timestamp,
    finishedAt: timestamp,
    sha: sha.optional(),
    branch: text(300).optional(),
    tests: z.object({ passed: count.optional(), failed: count.optional(), skipped: count.optional() }).strict().optional(),
    url: url.optional(),
    updatedAt: timestamp.optional(),
  })
  .strict()
  .superRefine((r, ctx) => notBefore(ctx, r.startedAt, r.finishedAt, 'finishedAt', 'startedAt'));

export const incidentEvent = z
  .object({
    type: z.literal('incident'),
    id: text(200),
    source: text(100).optional(),
    service,
    openedAt: timestamp,
    resolvedAt: timestamp.optional(),
    severity: text(50).optional(),
    deploymentId: text(200).optional(),
    rootCauseSha: sha.optional(),
    title: text(500).optional(),
    url: url.optional(),
    updatedAt: timestamp.optional(),
  })
  .strict()
  .superRefine((i, ctx) => notBefore(ctx, i.openedAt, i.resolvedAt, 'resolvedAt', 'openedAt'));

export const eventTypes = ['deployment', 'change', 'ci_run', 'incident'] as const;

export const nativeEvent = z.discriminatedUnion('type', [deploymentEvent, changeEvent, ciRunEvent, incidentEvent], {
  error: (issue) =>
    issue.code === 'invalid_union' ? `expected one of ${eventTypes.join(', ')}` : undefined,
});

export type DeploymentEvent = z.infer<typeof deploymentEvent>;
export type ChangeEvent = z.infer<typeof changeEvent>;
export type CiRunEvent = z.infer<typeof ciRunEvent>;
export type IncidentEvent = z.infer<typeof incidentEvent>;
export type NativeEvent = z.infer<typeof nativeEvent>;
/** What a producer sends: the same shapes before parsing (shas in any case). */
export type NativeEventInput = z.input<typeof nativeEvent>;
