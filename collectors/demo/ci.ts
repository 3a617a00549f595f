/**
 * CI runs on each merged pull request's merge commit. Early on "check" is a manual
 * regression pass that takes days; later an automated suite that takes minutes.
 */
import type { NativeEventInput } from '../../common/events';
import type { CommitDraft, PullRequestDraft } from './commits';
import { levelAt, practices, type Segment } from './practice';
import type { Random } from './random';
import { iso } from './time';

export interface CiResult {
  events: NativeEventInput[];
  /** When each pull request's merge commit first passed CI (continuous deployment starts there). */
  passedAt: Map<PullRequestDraft, number>;
}

/** Test-suite size grows as practice matures: automated tests replace manual checks. */
function suiteSize(base: number, level: number, progress: number): number {
  return Math.round(base * (0.4 + 0.9 * level) * (1 + 0.3 * progress));
}

export function buildCiRuns(
  random: Random,
  service: string,
  chain: readonly CommitDraft[],
  segments: readonly Segment[],
  start: number,
  now: number,
): CiResult {
  const events: NativeEventInput[] = [];
  const passedAt = new Map<PullRequestDraft, number>();
  const testBase = random.int(60, 260);
  let runNumber = 0;
  const seen = new Set<PullRequestDraft>();
  for (const commit of chain) {
    const pr = commit.pullRequest;
    if (!pr || seen.has(pr)) continue;
    seen.add(pr);
    const level = levelAt(segments, pr.mergedAt);
    const practice = practices[level];
    const total = suiteSize(testBase, level, (pr.mergedAt - start) / (now - start));
    let startedAt = pr.mergedAt + random.spread(practice.ciQueue);
    // One run, or a failed run and its successful re-run.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const failed = attempt === 0 && random.chance(practice.ciFailure);
      const finishedAt = startedAt + random.spread(practice.ciDuration);
      if (finishedAt > now) break;
      runNumber += 1;
      const broken = failed ? random.int(1, 12) : 0;
      const skipped = random.int(0, Math.ceil(total * 0.03));
      events.push({
        type: 'ci_run',
        id: `${service}#ci-${runNumber}`,
        source: 'demo',
        service,
        name: 'build-and-test',
        status: failed ? 'failure' : 'success',
        startedAt: iso(startedAt),
        finishedAt: iso(finishedAt),
        sha: pr.mergeSha,
        branch: 'main',
        tests: { passed: Math.max(0, total - broken - skipped), failed: broken, skipped },
        url: `https://github.com/${service}/actions/runs/${runNumber}`,
      });
      if (!failed) {
        passedAt.set(pr, finishedAt);
        break;
      }
      startedAt = finishedAt + random.spread(practice.ciRerunDelay);
    }
  }
  return { events, passedAt };
}
