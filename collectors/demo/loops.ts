/**
 * The improvement loops the demo's people planned, in the scopes a newcomer opens first (the
 * organisation, Health, its Appointments team), so targets, each kind of Act, the audit trail,
 * a retrospective plan and a running loop show on first start. The loops sit on the default
 * cadence (14 days from 2024-01-01), so the cadence loops around them stay whole.
 *
 * One Check finds a real change, because the data has one: Appointments fell back to a daily
 * release train while its pipeline moved (`practiceDips`), and its next loop brought
 * deploy-on-merge back, so that loop's lead times are clearly shorter than the previous loop's.
 */
import type { LoopDecision, LoopMetric } from '../../common/api';
import { DAILY, type Segment } from './practice';
import { DAY, HOUR } from './time';

export interface DemoLoop {
  scope: string;
  name: string;
  from: number;
  to: number;
  /** When it was planned; after `from` for a retrospective plan. */
  plannedAt: number;
  /** Who planned and decided, as the audit trail names them. */
  actor: string;
  plan: { metric: LoopMetric; target: number; hypothesis: string };
  act: { decision: LoopDecision; notes: string; at: number } | null;
}

/** A stretch of time in which a team worked at another practice level than its plan says. */
export interface PracticeDip {
  team: string;
  from: number;
  to: number;
  level: number;
}

/** The default cadence of loops: 14 days from 2024-01-01. */
const CADENCE = 14 * DAY;
const ANCHOR = Date.parse('2024-01-01T00:00:00Z');

/** The first day of the cadence loop running at `now`. */
function cadenceStart(now: number): number {
  return ANCHOR + Math.floor((now - ANCHOR) / CADENCE) * CADENCE;
}

/** Appointments' pipeline move: four weeks of daily releases, the loop before the one that ended them. */
export function practiceDips(now: number): PracticeDip[] {
  const c = cadenceStart(now);
  return [{ team: 'appointments', from: c - 4 * CADENCE, to: c - 2 * CADENCE, level: DAILY }];
}

/** The team's periods of practice with its dips laid over them (contiguous, oldest first). */
export function withDips(segments: readonly Segment[], dips: readonly PracticeDip[]): Segment[] {
  let out = [...segments];
  for (const dip of dips) {
    const next: Segment[] = [];
    for (const s of out) {
      if (s.to <= dip.from || s.from >= dip.to) {
        next.push(s);
        continue;
      }
      if (s.from < dip.from) next.push({ ...s, to: dip.from });
      if (s.to > dip.to) next.push({ ...s, from: dip.to });
    }
    const first = out[0]?.from ?? dip.from;
    const last = out.at(-1)?.to ?? dip.to;
    const from = Math.max(dip.from, first),
      to = Math.min(dip.to, last);
    if (from < to) next.push({ level: dip.level, from, to });
    out = next.sort((a, b) => a.from - b.from);
  }
  return out;
}

/** The demo's planned loops, oldest first, for a history ending at `now` (the start of a day). */
export function demoLoops(now: number): DemoLoop[] {
  const c = cadenceStart(now);
  const at = (t: number, hours: number) => t + hours * HOUR;
  return [
    {
      scope: 'team:appointments',
      name: 'Move to the new pipeline',
      from: c - 4 * CADENCE,
      to: c - 2 * CADENCE,
      plannedAt: at(c - 4 * CADENCE - 3 * DAY, 10),
      actor: 'demo:amara (team lead)',
      plan: {
        metric: 'deploymentFrequency',
        target: 10,
        hypothesis: 'Moving the build to the shared pipeline keeps deployments at about ten a week while we switch over.',
      },
      act: {
        decision: 'adapt',
        at: at(c - 2 * CADENCE, 15),
        notes:
          'The move worked, but we fell back to one release train a day and lead time grew. Next loop: deploy every merge again on the new pipeline.',
      },
    },
    {
      scope: 'team:appointments',
      name: 'Deploy on every merge again',
      from: c - 2 * CADENCE,
      to: c,
      plannedAt: at(c - 2 * CADENCE, 16),
      actor: 'demo:amara (team lead)',
      plan: {
        metric: 'leadTime',
        target: 6 * 3600,
        hypothesis: 'Deploying each green merge on its own, instead of the daily train, brings change lead time back under six hours.',
      },
      act: {
        decision: 'adopt',
        at: at(c, 11),
        notes: 'Deploy-on-merge is the standard again; the release train is switched off for good.',
      },
    },
    {
      scope: 'team:appointments',
      name: 'Review within the hour',
      from: c,
      to: c + 2 * CADENCE,
      plannedAt: at(c, 9),
      actor: 'demo:amara (team lead)',
      plan: {
        metric: 'leadTime',
        target: 3 * 3600,
        hypothesis: 'A reviewer on call each morning and afternoon cuts the wait for review, the largest part of lead time left.',
      },
      act: null,
    },
    {
      // Planned three days after it began: the dashboard marks it as a retrospective plan.
      scope: 'department:health',
      name: 'Weekly change advisory board',
      from: c - 3 * CADENCE,
      to: c - CADENCE,
      plannedAt: at(c - 3 * CADENCE + 3 * DAY, 14),
      actor: 'demo:joseph (head of delivery)',
      plan: {
        metric: 'changeFailureRate',
        target: 0.05,
        hypothesis: 'A weekly board that reviews every production change catches risky changes before they fail.',
      },
      act: {
        decision: 'abandon',
        at: at(c - CADENCE + DAY, 10),
        notes: 'The failure rate did not move and changes waited up to a week for the board. Stopped; teams keep their own peer review.',
      },
    },
    {
      scope: 'org',
      name: 'Figures in every service review',
      from: c - 2 * CADENCE,
      to: c,
      plannedAt: at(c - 2 * CADENCE - DAY, 12),
      actor: 'demo:ruth (chief digital officer)',
      plan: {
        metric: 'deploymentFrequency',
        target: 150,
        hypothesis:
          'Showing the four key metrics in each monthly service review makes small, frequent releases the expected way of working.',
      },
      act: {
        decision: 'adopt',
        at: at(c, 16),
        notes: 'Keep: reviews now start from the dashboard. Next, add the retro of each team’s last loop.',
      },
    },
  ];
}
