/**
 * Deming's own zod schemas for the CDEvents it maps, written from the CDEvents 0.4.1 and 0.5.1
 * JSON schemas. Every field Deming reads and every field the spec requires is checked; fields
 * Deming does not read are let through (a tolerant reader), so a producer that adds a field
 * is not refused.
 */
import { z } from 'zod';

/** The CDEvents spec lines Deming reads. */
export type SpecLine = '0.4' | '0.5';

/** The (subject, predicate) pairs Deming maps; every other type is acknowledged and ignored. */
export const mappedKinds = [
  'service.deployed',
  'service.upgraded',
  'service.rolledback',
  'testsuiterun.finished',
  'pipelinerun.finished',
  'change.merged',
  'incident.detected',
  'incident.reported',
  'incident.resolved',
] as const;
/** `subject.predicate` of a mapped type, such as `service.deployed`. */
export type MappedKind = (typeof mappedKinds)[number];

const nonEmpty = z.string({ error: 'expected a string' }).min(1, 'must not be empty');
const optionalText = z.string({ error: 'expected a string' }).optional();
const timestamp = z.iso.datetime({
  offset: true,
  error: 'expected an RFC 3339 timestamp with a zone, such as 2026-03-01T12:00:00Z',
});

/** `context`: 0.4 names the spec version `version`, 0.5 names it `specversion`. */
const contextFields = {
  id: nonEmpty,
  source: nonEmpty,
  type: nonEmpty,
  timestamp,
  schemaUri: optionalText,
  chainId: optionalText,
  links: z.array(z.unknown(), { error: 'expected an array of links' }).optional(),
};
/** The context of a 0.4 event (`context.version`). */
export const context04 = z.object({
  version: z.string().regex(/^0\.4\.\d+/, 'expected a CDEvents 0.4 version such as "0.4.1"'),
  ...contextFields,
});
/** The context of a 0.5 event (`context.specversion`). */
export const context05 = z.object({
  specversion: z.string().regex(/^0\.5\.\d+/, 'expected a CDEvents 0.5 version such as "0.5.1"'),
  ...contextFields,
});
/** The context fields the mapper reads, in both lines. */
export interface CdContext {
  id: string;
  source: string;
  type: string;
  timestamp: string;
}

const environment = z.object({ id: nonEmpty, source: optionalText }, { error: 'expected an object with the environment "id"' });
const reference = z.object({ id: nonEmpty, source: optionalText }, { error: 'expected an object with an "id"' });

const serviceContent = z.object({ environment, artifactId: nonEmpty });
const testSuiteRunContent = (outcomes: readonly [string, ...string[]]) =>
  z.object({
    environment,
    testSuite: z.object({ id: nonEmpty, version: optionalText, name: optionalText, uri: optionalText }).optional(),
    outcome: z.enum(outcomes, { error: `expected one of ${outcomes.join(', ')}` }),
    severity: z.enum(['low', 'medium', 'high', 'critical'], { error: 'expected one of low, medium, high, critical' }).optional(),
    reason: optionalText,
  });
const pipelineRunContent04 = z.object({ pipelineName: optionalText, url: optionalText, outcome: optionalText, errors: optionalText });
const pipelineRunContent05 = z.object({
  pipelineName: optionalText,
  uri: optionalText,
  errors: optionalText,
  outcome: z.enum(['success', 'failure', 'cancel', 'error'], { error: 'expected one of success, failure, cancel, error' }).optional(),
});
const changeContent = z.object({ repository: reference.optional() });
const incidentContent = z.object({
  description: optionalText,
  environment,
  service: reference.optional(),
  artifactId: nonEmpty.optional(),
});
const incidentReportedContent = incidentContent.extend({ ticketURI: nonEmpty });

/** A subject: 0.4 requires `subject.type` (e.g. "service"); 0.5 dropped it. */
function subject<C extends z.ZodType>(line: SpecLine, subjectType: string, content: C) {
  const type = z.literal(subjectType, { error: `expected "${subjectType}"` });
  return z.object({ id: nonEmpty, source: optionalText, type: line === '0.4' ? type : type.optional(), content });
}

const contents = {
  'service.deployed': { '0.4': serviceContent, '0.5': serviceContent, subjectType: 'service' },
  'service.upgraded': { '0.4': serviceContent, '0.5': serviceContent, subjectType: 'service' },
  'service.rolledback': { '0.4': serviceContent, '0.5': serviceContent, subjectType: 'service' },
  'testsuiterun.finished': {
    '0.4': testSuiteRunContent(['pass', 'fail', 'cancel', 'error']),
    '0.5': testSuiteRunContent(['success', 'failure', 'cancel', 'error']),
    subjectType: 'testSuiteRun',
  },
  'pipelinerun.finished': { '0.4': pipelineRunContent04, '0.5': pipelineRunContent05, subjectType: 'pipelineRun' },
  'change.merged': { '0.4': changeContent, '0.5': changeContent, subjectType: 'change' },
  'incident.detected': { '0.4': incidentContent, '0.5': incidentContent, subjectType: 'incident' },
  'incident.reported': { '0.4': incidentReportedContent, '0.5': incidentReportedContent, subjectType: 'incident' },
  'incident.resolved': { '0.4': incidentContent, '0.5': incidentContent, subjectType: 'incident' },
} as const;

function buildEventSchema(kind: MappedKind, line: SpecLine) {
  const c = contents[kind];
  return z.object({
    context: line === '0.4' ? context04 : context05,
    subject: subject(line, c.subjectType, c[line]),
    customData: z.union([z.record(z.string(), z.unknown()), z.string()], { error: 'expected an object, or a base64 string' }).optional(),
    customDataContentType: optionalText,
  });
}

const built = new Map<string, ReturnType<typeof buildEventSchema>>();

/** The whole event of one kind in one spec line (built once). */
export function eventSchema(kind: MappedKind, line: SpecLine) {
  const key = `${kind} ${line}`;
  let schema = built.get(key);
  if (!schema) built.set(key, (schema = buildEventSchema(kind, line)));
  return schema;
}

/** What a parsed subject's content may hold, across kinds and lines (for the mapper). */
export type SubjectContent = {
  environment?: { id: string; source?: string };
  artifactId?: string;
  testSuite?: { id: string; name?: string; uri?: string };
  outcome?: string;
  pipelineName?: string;
  url?: string;
  uri?: string;
  errors?: string;
  repository?: { id: string; source?: string };
  description?: string;
  service?: { id: string };
  ticketURI?: string;
};

const sha = z
  .string()
  .regex(/^[0-9a-fA-F]{7,64}$/, 'expected a commit sha of 7 to 64 hex characters')
  .transform((s) => s.toLowerCase());
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2000);
const count = z.number().int('must be a whole number').min(0, 'must not be negative');

/**
 * The `customData` keys Deming reads (its convention for what CDEvents has no field for);
 * other keys are left alone.
 */
export const demingCustomData = z.object({
  service: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\s\u0000-\u001f]+$/, 'expected a service name without spaces, such as "owner/repo"')
    .optional(),
  sha: sha.optional(),
  commit: sha.optional(),
  commits: z.array(sha).max(10_000).optional(),
  parents: z.array(sha).max(64).optional(),
  committedAt: timestamp.optional(),
  /** When the change was written (a rebase or a cherry-pick keeps it): `leadTimeFrom: author` reads it. */
  authoredAt: timestamp.optional(),
  startedAt: timestamp.optional(),
  openedAt: timestamp.optional(),
  severity: z.string().max(50).optional(),
  rework: z.boolean({ error: 'expected true or false' }).optional(),
  url: httpUrl.optional(),
  branch: z.string().min(1).max(300).optional(),
  pullRequest: z.number().int().positive().optional(),
  tests: z.object({ passed: count.optional(), failed: count.optional(), skipped: count.optional() }).optional(),
});
/** The `customData` fields Deming reads, parsed. */
export type DemingCustomData = z.infer<typeof demingCustomData>;
