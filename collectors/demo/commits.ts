/**
 * One service's main branch: pull requests and direct pushes, laid out as a linear chain
 * (rebase merges), so that each pull request's commits are consecutive and its merge sha is
 * its last commit.
 */
import { levelAt, practices, type Segment } from './practice';
import type { Random } from './random';
import { DAY, HOUR, MINUTE, isWeekend, startOfDay } from './time';

/** A merged pull request; all of its commits share this object. */
export interface PullRequestDraft {
  number: number;
  openedAt: number;
  mergedAt: number;
  firstCommitAt: number;
  planStartedAt?: number;
  mergeSha: string;
}

export interface CommitDraft {
  sha: string;
  committedAt: number;
  authoredAt: number;
  /** When the commit reached main: its pull request's merge, or its own push. */
  landedAt: number;
  pullRequest?: PullRequestDraft;
}

/** Weekend work happens, but rarely. */
const WEEKEND_FACTOR = 0.05;

function commit(random: Random, committedAt: number, landedAt: number, pullRequest?: PullRequestDraft): CommitDraft {
  const authoredAt = committedAt - random.spread([30_000, 30 * MINUTE]);
  return { sha: random.hex(40), committedAt, authoredAt, landedAt, pullRequest };
}

/** The commits of one pull request started at `firstCommitAt`, or none if not merged by `now`. */
function pullRequest(random: Random, level: number, firstCommitAt: number, now: number): CommitDraft[] {
  const practice = practices[level];
  const count = random.int(practice.commitsPerPr[0], practice.commitsPerPr[1]);
  const doTime = count > 1 ? random.spread(practice.doTime) : 0;
  const lastCommitAt = firstCommitAt + doTime;
  const mergedAt = lastCommitAt + random.spread(practice.reviewWait);
  if (mergedAt > now) return [];
  // Early on a pull request is opened when the work is done; later, as a draft at the start.
  const openedShare = level <= 1 ? random.between(0.4, 1) : random.between(0, 0.5);
  const draft: PullRequestDraft = {
    number: 0,
    openedAt: Math.min(firstCommitAt + openedShare * doTime + random.between(MINUTE, 10 * MINUTE), mergedAt),
    mergedAt,
    firstCommitAt,
    planStartedAt: random.chance(0.7) ? firstCommitAt - random.spread(practice.planLead) : undefined,
    mergeSha: '',
  };
  const times = [firstCommitAt];
  for (let i = 1; i < count - 1; i += 1) times.push(random.between(firstCommitAt, lastCommitAt));
  if (count > 1) times.push(lastCommitAt);
  times.sort((a, b) => a - b);
  const commits = times.map((at) => commit(random, at, mergedAt, draft));
  draft.mergeSha = commits[commits.length - 1].sha;
  return commits;
}

/** Gives pull requests GitHub-like numbers: in order of opening, with gaps where issues took one. */
function numberPullRequests(random: Random, chain: readonly CommitDraft[]): void {
  const drafts = [...new Set(chain.flatMap((c) => (c.pullRequest ? [c.pullRequest] : [])))];
  drafts.sort((a, b) => a.openedAt - b.openedAt);
  let next = random.int(20, 400);
  for (const draft of drafts) {
    draft.number = next;
    next += random.chance(0.5) ? random.int(2, 4) : 1;
  }
}

/**
 * The service's main branch from `start` to `now`, ordered as git would show it (oldest
 * first). Work arrives as a Poisson process per day at the rate of the team's current level.
 */
export function buildChain(random: Random, segments: readonly Segment[], activity: number, start: number, now: number): CommitDraft[] {
  const chain: CommitDraft[] = [];
  for (let day = startOfDay(start); day < now; day += DAY) {
    const level = levelAt(segments, day);
    const practice = practices[level];
    const rate = practice.prRate * activity * (isWeekend(day) ? WEEKEND_FACTOR : 1);
    const count = random.poisson(rate);
    for (let i = 0; i < count; i += 1) {
      const at = day + random.between(8 * HOUR, 17 * HOUR);
      if (at < start || at > now) continue;
      if (random.chance(practice.directCommitShare)) chain.push(commit(random, at, at));
      else chain.push(...pullRequest(random, level, at, now));
    }
  }
  // Stable: a pull request's commits share one landing time and stay together in order.
  chain.sort((a, b) => a.landedAt - b.landedAt);
  numberPullRequests(random, chain);
  return chain;
}

/** Index of the last commit on main at `at` (-1 when main was still empty). */
export function headAt(chain: readonly CommitDraft[], at: number): number {
  let low = 0;
  let high = chain.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (chain[mid].landedAt <= at) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** Pushes a hotfix commit onto main at `at`; returns its index. */
export function pushHotfix(random: Random, chain: CommitDraft[], at: number): number {
  const index = headAt(chain, at) + 1;
  chain.splice(index, 0, commit(random, at, at));
  return index;
}
