/** A JUnit report's totals and the pipeline's parameters → one native `ci_run` event (pure). */
import type { NativeEventInput } from '../../common/events';
import type { JUnitTotals } from './parse';

/** What the pipeline says about the report (query parameters of `POST /api/v1/test-reports`). */
export interface ReportParams {
  service: string;
  sha: string;
  name: string;
  id?: string;
  branch?: string;
  url?: string;
  /** Overrides the report's own `timestamp`. */
  startedAt?: string;
}

/** Every ci_run made from a test report carries this source. */
export const JUNIT_SOURCE = 'junit';

/**
 * The run: failures and errors count as failed; it failed when any test did. It started at
 * `startedAt`, else the report's timestamp, else `receivedAt` less its duration; it finished
 * its duration (`time`) later. Without `id`, the id is derived from the report itself
 * (`digest`), so sending the same report twice stores it once.
 */
export function testReportToCiRun(
  totals: JUnitTotals,
  params: ReportParams,
  receivedAt: number,
  digest: string,
): Extract<NativeEventInput, { type: 'ci_run' }> {
  const durationMs = Math.round((totals.time ?? 0) * 1000);
  const start = params.startedAt !== undefined ? Date.parse(params.startedAt) : (totals.startedAt ?? receivedAt - durationMs);
  return {
    type: 'ci_run',
    id: params.id ?? `junit-${digest.slice(0, 20)}`,
    source: JUNIT_SOURCE,
    service: params.service,
    name: params.name,
    status: totals.failed > 0 ? 'failure' : 'success',
    sha: params.sha,
    branch: params.branch,
    url: params.url,
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(start + durationMs).toISOString(),
    tests: { passed: totals.passed, failed: totals.failed, skipped: totals.skipped },
  };
}
