/**
 * `POST /api/v1/test-reports?service=&sha=&name=`: a JUnit XML report, stored as one CI run
 * with its test counts and duration, through the one ingest path.
 */
import { Router } from 'express';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseJUnit, ReportError } from '../../collectors/junit/parse';
import { JUNIT_SOURCE, testReportToCiRun } from '../../collectors/junit/map';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { requireRole } from '../auth';
import { textBody } from '../body';

/** Reports carry test output; bigger than events, still bounded. */
export const TEST_REPORT_LIMIT = '20mb';
const xmlTypes = ['application/xml', 'text/xml', 'application/junit+xml'];

const required = (what: string) =>
  z
    .string({ error: `is required: ${what}` })
    .trim()
    .min(1, `must not be empty: ${what}`);
const params = z.object({
  service: required('the service the tests ran for, such as "owner/repo"'),
  sha: required('the commit the tests ran on'),
  name: required('the name of the test job, such as "unit tests"'),
  id: z.string().trim().min(1).max(200).optional(),
  branch: z.string().trim().min(1).max(300).optional(),
  url: z.string().optional(),
  startedAt: z.iso.datetime({ offset: true, error: 'expected a timestamp with a zone, such as 2026-03-01T12:00:00Z' }).optional(),
});

/** Mounts `POST /api/v1/test-reports`, with its own bounded XML body parsing. */
export function testReportsRouter(ctx: AppContext): Router {
  const r = Router();
  // UTF-8 unless Content-Type names another charset (`text/xml; charset=iso-8859-1`).
  const xml = textBody({ limit: TEST_REPORT_LIMIT, type: xmlTypes });
  r.post('/api/v1/test-reports', requireRole(ctx.auth, 'ingest'), xml, async (req, res) => {
    if (!req.is(xmlTypes) || typeof req.body !== 'string') {
      throw new HttpError(
        415,
        'unsupported_media_type',
        `Send the JUnit XML report as the body with Content-Type application/xml or text/xml, not "${(req.get('content-type') ?? 'none').slice(0, 80)}".`,
      );
    }
    const q = params.safeParse(req.query);
    if (!q.success) {
      const details = q.error.issues.map((i) => ({ path: i.path.join('.') || '(query)', message: i.message }));
      throw new HttpError(400, 'invalid_query', `${details[0].path}: ${details[0].message} (a query parameter).`, details);
    }
    let totals;
    try {
      totals = parseJUnit(req.body);
    } catch (e) {
      if (e instanceof ReportError) throw new HttpError(400, e.code, e.message);
      throw e;
    }
    const digest = createHash('sha1').update([q.data.service, q.data.sha, q.data.name, req.body].join('\0')).digest('hex');
    const run = testReportToCiRun(totals, q.data, ctx.now(), digest);
    const result = await ctx.ingest.submit({ events: [run], pathOf: () => 'query', defaultSource: JUNIT_SOURCE });
    res.json({
      accepted: result.accepted,
      updated: result.updated,
      unchanged: result.unchanged,
      ciRun: { id: run.id, status: run.status, tests: run.tests, startedAt: run.startedAt, finishedAt: run.finishedAt },
    });
  });
  return r;
}
