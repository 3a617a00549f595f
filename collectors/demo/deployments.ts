/**
 * Releases of one service: when they happen (by the team's practice level), which sha each
 * ships, failed and cancelled attempts, staging rehearsals, and the incidents and hotfixes
 * that follow some of them.
 */
import type { NativeEventInput } from '../../common/events';
import { headAt, pushHotfix, type CommitDraft, type PullRequestDraft } from './commits';
import { CONTINUOUS, DAILY, levelAt, practices, type Segment } from './practice';
import type { Random } from './random';
import { DAY, HOUR, MINUTE, iso, isWeekend, onWeekday, startOfDay } from './time';

/** A moment a release starts, and the moment its content was frozen. */
interface Trigger {
  at: number;
  cut: number;
}

/** An incident before it gets its department-wide number. */
export interface IncidentDraft {
  service: string;
  openedAt: number;
  resolvedAt?: number;
  deploymentId?: string;
  rootCauseSha?: string;
  severity: string;
  hotfixed: boolean;
}

export interface ReleaseResult {
  events: NativeEventInput[];
  incidents: IncidentDraft[];
}

/** The release moments of each period of constant practice. */
function triggers(
  random: Random,
  segments: readonly Segment[],
  chain: readonly CommitDraft[],
  passedAt: Map<PullRequestDraft, number>,
  start: number,
): Trigger[] {
  const out: Trigger[] = [];
  for (const { level, from, to } of segments) {
    const practice = practices[level];
    if (practice.releaseInterval) {
      // Scheduled releases in the evening, after a freeze; the very first lands late in the baseline.
      let day = from === start ? start + random.between(76, 86) * DAY : from + random.between(3, 15) * DAY;
      while (day < to) {
        const at = onWeekday(startOfDay(day)) + random.between(18 * HOUR, 21 * HOUR);
        out.push({ at, cut: at - random.spread(practice.freeze) });
        day += random.between(practice.releaseInterval[0], practice.releaseInterval[1]) * DAY;
      }
    } else if (level === DAILY) {
      for (let day = startOfDay(from); day < to; day += DAY) {
        if (isWeekend(day) || !random.chance(0.85)) continue;
        const times = random.chance(0.25) ? [random.between(10, 12), random.between(15, 17)] : [random.between(11, 16)];
        for (const hour of times) {
          const at = day + hour * HOUR;
          if (at >= from && at < to) out.push({ at, cut: at - random.spread(practice.freeze) });
        }
      }
    } else if (level === CONTINUOUS) {
      const seen = new Set<PullRequestDraft>();
      for (const commit of chain) {
        if (commit.landedAt >= to || (commit.pullRequest && seen.has(commit.pullRequest))) continue;
        if (commit.pullRequest) seen.add(commit.pullRequest);
        const ready = commit.pullRequest ? passedAt.get(commit.pullRequest) : commit.landedAt + random.between(10, 20) * MINUTE;
        if (ready === undefined || ready < from || ready >= to) continue;
        const at = ready + random.between(1, 5) * MINUTE;
        out.push({ at, cut: at });
      }
    }
  }
  // Pull requests merged together pass CI once: keep one trigger per moment.
  return out.sort((a, b) => a.at - b.at).filter((t, i, all) => i === 0 || t.at !== all[i - 1].at);
}

/**
 * Deployments and incidents of one service. Successful production deployments ship ever
 * newer heads of main, and every incident opens before the service's next successful
 * production deployment, so implicit links point at the deployment that caused it.
 */
export function buildReleases(
  random: Random,
  service: string,
  chain: CommitDraft[],
  segments: readonly Segment[],
  passedAt: Map<PullRequestDraft, number>,
  start: number,
  now: number,
): ReleaseResult {
  const events: NativeEventInput[] = [];
  const incidents: IncidentDraft[] = [];
  const planned = triggers(random, segments, chain, passedAt, start);
  let deployed = -1;
  let busyUntil = -Infinity;
  let number = 0;

  const deploy = (
    environment: string,
    status: 'success' | 'failure' | 'cancelled',
    startedAt: number,
    finishedAt: number,
    sha: string,
    extra: { commits?: string[]; rework?: boolean } = {},
  ): string => {
    number += 1;
    const id = `${service}#${number}`;
    const times = { startedAt: iso(startedAt), finishedAt: iso(finishedAt) };
    events.push({ type: 'deployment', id, source: 'demo', service, environment, status, ...times, sha, ...extra });
    return id;
  };

  for (let i = 0; i < planned.length; i += 1) {
    const trigger = planned[i];
    const at = Math.max(trigger.at, busyUntil + random.between(2, 6) * MINUTE);
    const level = levelAt(segments, at);
    const practice = practices[level];
    const head = headAt(chain, Math.min(at, trigger.cut + (at - trigger.at)));
    if (head <= deployed) continue;
    const sha = chain[head].sha;

    if (random.chance(0.3)) {
      // A release candidate sits in staging for acceptance early on; later staging is a quick rehearsal.
      const stagedAt = level <= 1 ? Math.min(trigger.cut + random.between(1, 3) * DAY, at - HOUR) : at - random.between(20, 60) * MINUTE;
      const status = random.chance(0.06) ? 'failure' : 'success';
      deploy('staging', status, stagedAt - random.spread(practice.deployDuration), stagedAt, sha);
    }

    // A failed or cancelled release is retried later; the third attempt always goes through.
    let startedAt = at;
    let success: { id: string; finishedAt: number } | undefined;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const finishedAt = startedAt + random.spread(practice.deployDuration);
      if (finishedAt > now) break;
      busyUntil = finishedAt;
      const roll = attempt === 2 ? 1 : random.next();
      if (roll < practice.deployFailure) deploy('production', 'failure', startedAt, finishedAt, sha);
      else if (roll < practice.deployFailure + 0.02) deploy('production', 'cancelled', startedAt, finishedAt, sha);
      else {
        const shipped = chain.slice(deployed + 1, head + 1).map((c) => c.sha);
        const extra = random.chance(0.05) ? { commits: shipped } : {};
        success = { id: deploy('production', 'success', startedAt, finishedAt, sha, extra), finishedAt };
        break;
      }
      startedAt = finishedAt + random.spread(practice.retryDelay);
    }
    if (!success) continue;
    const shippedFrom = deployed + 1;
    deployed = head;

    if (!random.chance(practice.changeFailure)) continue;
    // Open before the next release could finish, so "latest deployment before" is this one.
    const nextAt = Math.max(planned[i + 1]?.at ?? Infinity, success.finishedAt + 4 * MINUTE);
    const openedAt = success.finishedAt + Math.min(random.spread(practice.incidentDelay), 0.8 * (nextAt - success.finishedAt));
    if (openedAt > now) continue;
    const link = random.next();
    const incident: IncidentDraft = {
      service,
      openedAt,
      severity: random.chance(0.1) ? 'sev1' : random.chance(0.35) ? 'sev2' : 'sev3',
      deploymentId: link < 0.5 ? success.id : undefined,
      rootCauseSha: link >= 0.5 && link < 0.62 ? chain[random.int(shippedFrom, head)].sha : undefined,
      hotfixed: false,
    };
    const restore = random.spread(practice.restore);
    const hotfixAt = openedAt + restore * 0.6;
    const hotfixDone = hotfixAt + random.spread(practice.deployDuration);
    if (random.chance(practice.hotfix) && hotfixDone < Math.min(now, nextAt - 5 * MINUTE)) {
      // Fix forward: a hotfix commit straight onto main, shipped with whatever else is waiting.
      const fix = pushHotfix(random, chain, hotfixAt - random.between(2, 10) * MINUTE);
      deploy('production', 'success', hotfixAt, hotfixDone, chain[fix].sha, { rework: true });
      deployed = fix;
      busyUntil = hotfixDone;
      incident.resolvedAt = hotfixDone + random.between(2, 15) * MINUTE;
      incident.hotfixed = true;
    } else {
      incident.resolvedAt = openedAt + restore;
    }
    if (incident.resolvedAt > now) incident.resolvedAt = undefined;
    incidents.push(incident);
  }
  return { events, incidents };
}
