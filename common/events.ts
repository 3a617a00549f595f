/**
 * The native event contract (DESIGN.md, "Native event fields"), shared by the HTTP ingest
 * route, every collector and the demo generator. Validation happens here, once.
 */
import { z } from 'zod';
import { identifierProblem, normaliseServiceName, serviceNameProblem, textProblem } from './identifiers';

const timestamp = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 timestamp with a time zone, such as 2026-03-01T12:00:00Z',
});
const sha = z
  .string({ error: 'expected a commit sha (hex string)' })
  .regex(/^[0-9a-fA-F]{4,64}$/, 'expected a commit sha of 4 to 64 hex characters')
  .transform((s) => s.toLowerCase());
/** Adds the issue `problem` finds in a string, if any (the rules of ./identifiers.ts). */
const rule = (problem: (s: string) => string | null) => (s: string, ctx: z.RefinementCtx) => {
  const message = problem(s);
  if (message) ctx.addIssue({ code: 'custom', message });
};
const trimmed = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
/** An identifier: no control, invisible or unusual space character. */
const text = (max: number) => trimmed(max).superRefine(rule(identifierProblem));
/** Free text (a title): ordinary spaces and format characters, no control character. */
const freeText = (max: number) => trimmed(max).superRefine(rule(textProblem));
/** A service name, normalised to NFC and checked against the documented character set. */
const service = z
  .string({ error: 'expected the service name, such as "owner/repo"' })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .transform(normaliseServiceName)
  .superRefine(rule(serviceNameProblem));
const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2000);
const count = z.number().int('must be a whole number').min(0, 'must not be negative');

/** `retracted`: the source no longer stands behind the deployment (a tag that no longer matches, a release turned pre-release or deleted); it stops counting. */
export const deploymentStatuses = ['success', 'failure', 'in_progress', 'cancelled', 'retracted'] as const;
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
    /** Declared by the source (GitLab's environment tier, a configured environment): wins over the `production` pattern. */
    production: z.boolean({ error: 'expected true or false' }).optional(),
    /** The change or release request this deployment carried out (an identifier, like `id`). */
    changeRequest: text(200).optional(),
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
    /** This commit is the squash of the request: its lead time starts at `firstCommitAt`. */
    squashed: z.boolean({ error: 'expected true or false' }).optional(),
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
    /** The change or release request the incident is blamed on: links it to the production deployment that carried it. */
    changeRequest: text(200).optional(),
    title: freeText(500).optional(),
    url: url.optional(),
    updatedAt: timestamp.optional(),
  })
  .strict()
  .superRefine((i, ctx) => notBefore(ctx, i.openedAt, i.resolvedAt, 'resolvedAt', 'openedAt'));

export const eventTypes = ['deployment', 'change', 'ci_run', 'incident'] as const;

export const nativeEvent = z.discriminatedUnion('type', [deploymentEvent, changeEvent, ciRunEvent, incidentEvent], {
  error: (issue) => (issue.code === 'invalid_union' ? `expected one of ${eventTypes.join(', ')}` : undefined),
});

export type DeploymentEvent = z.infer<typeof deploymentEvent>;
export type ChangeEvent = z.infer<typeof changeEvent>;
export type CiRunEvent = z.infer<typeof ciRunEvent>;
export type IncidentEvent = z.infer<typeof incidentEvent>;
export type NativeEvent = z.infer<typeof nativeEvent>;
/** What a producer sends: the same shapes before parsing (shas in any case). */
export type NativeEventInput = z.input<typeof nativeEvent>;

/** The paths of the timestamp fields of an object schema, nested objects included. */
function timestampPathsOf(shape: z.ZodRawShape, prefix: readonly string[] = []): string[][] {
  const out: string[][] = [];
  for (const [key, field] of Object.entries(shape)) {
    let inner: unknown = field;
    while (inner instanceof z.ZodOptional) inner = inner.unwrap();
    if (inner === timestamp) out.push([...prefix, key]);
    else if (inner instanceof z.ZodObject) out.push(...timestampPathsOf(inner.shape, [...prefix, key]));
  }
  return out;
}

/**
 * Every timestamp field of each event type (`pullRequest.openedAt` as `['pullRequest',
 * 'openedAt']`), read from the schemas themselves, so that a timestamp field added to a schema
 * is range-checked at ingest (db/ingest.ts) without another list to keep in step.
 */
export const timestampPaths: Record<NativeEvent['type'], readonly (readonly string[])[]> = {
  deployment: timestampPathsOf(deploymentEvent.shape),
  change: timestampPathsOf(changeEvent.shape),
  ci_run: timestampPathsOf(ciRunEvent.shape),
  incident: timestampPathsOf(incidentEvent.shape),
};
