/**
 * Delivery practice levels and when each team adopts them. Every number the generator draws
 * comes from the team's level at that moment, so improvements show up as steps.
 */
import type { Random } from './random';
import { DAY, HOUR, MINUTE } from './time';

type Range = readonly [number, number];

/** How a team works at one level; ranges are drawn log-uniformly (durations in ms). */
export interface Practice {
  /** Pull requests started per working day on a service of activity 1. */
  prRate: number;
  commitsPerPr: Range;
  /** First to last commit of a pull request. */
  doTime: Range;
  /** Last commit to merge: waiting for review. */
  reviewWait: Range;
  /** Linked issue opened to first commit. */
  planLead: Range;
  ciQueue: Range;
  ciDuration: Range;
  ciFailure: number;
  ciRerunDelay: Range;
  /** Days between scheduled releases; null when releases follow merges or days. */
  releaseInterval: Range | null;
  /** How long before a release its content is frozen (release branch cut, regression, approval). */
  freeze: Range;
  deployDuration: Range;
  deployFailure: number;
  retryDelay: Range;
  changeFailure: number;
  incidentDelay: Range;
  restore: Range;
  /** Share of incidents fixed forward by a hotfix deployment (rework). */
  hotfix: number;
  directCommitShare: number;
}

/** Level 0 quarterly big batches, 1 monthly, 2 weekly, 3 daily, 4 continuous deployment. */
export const practices: readonly Practice[] = [
  {
    prRate: 0.4,
    commitsPerPr: [3, 8],
    doTime: [1 * DAY, 6 * DAY],
    reviewWait: [1 * DAY, 5 * DAY],
    planLead: [7 * DAY, 42 * DAY],
    ciQueue: [6 * HOUR, 2 * DAY],
    ciDuration: [8 * HOUR, 40 * HOUR],
    ciFailure: 0.22,
    ciRerunDelay: [4 * HOUR, 2 * DAY],
    releaseInterval: [84, 98],
    freeze: [40 * DAY, 55 * DAY],
    deployDuration: [1 * HOUR, 4 * HOUR],
    deployFailure: 0.15,
    retryDelay: [1 * DAY, 3 * DAY],
    changeFailure: 0.35,
    incidentDelay: [2 * HOUR, 5 * DAY],
    restore: [1 * DAY, 6 * DAY],
    hotfix: 0,
    directCommitShare: 0.1,
  },
  {
    prRate: 0.55,
    commitsPerPr: [2, 6],
    doTime: [12 * HOUR, 4 * DAY],
    reviewWait: [12 * HOUR, 3 * DAY],
    planLead: [4 * DAY, 21 * DAY],
    ciQueue: [1 * HOUR, 8 * HOUR],
    ciDuration: [2 * HOUR, 10 * HOUR],
    ciFailure: 0.18,
    ciRerunDelay: [2 * HOUR, 12 * HOUR],
    releaseInterval: [27, 35],
    freeze: [7 * DAY, 14 * DAY],
    deployDuration: [40 * MINUTE, 2 * HOUR],
    deployFailure: 0.12,
    retryDelay: [4 * HOUR, 1 * DAY],
    changeFailure: 0.27,
    incidentDelay: [1 * HOUR, 3 * DAY],
    restore: [12 * HOUR, 3 * DAY],
    hotfix: 0,
    directCommitShare: 0.07,
  },
  {
    prRate: 0.8,
    commitsPerPr: [1, 5],
    doTime: [4 * HOUR, 2 * DAY],
    reviewWait: [4 * HOUR, 1 * DAY],
    planLead: [1 * DAY, 7 * DAY],
    ciQueue: [5 * MINUTE, 1 * HOUR],
    ciDuration: [30 * MINUTE, 90 * MINUTE],
    ciFailure: 0.14,
    ciRerunDelay: [30 * MINUTE, 3 * HOUR],
    releaseInterval: [6, 9],
    freeze: [1 * DAY, 3 * DAY],
    deployDuration: [15 * MINUTE, 45 * MINUTE],
    deployFailure: 0.08,
    retryDelay: [1 * HOUR, 4 * HOUR],
    changeFailure: 0.16,
    incidentDelay: [30 * MINUTE, 1 * DAY],
    restore: [2 * HOUR, 1 * DAY],
    hotfix: 0.3,
    directCommitShare: 0.05,
  },
  {
    prRate: 1.2,
    commitsPerPr: [1, 4],
    doTime: [2 * HOUR, 1 * DAY],
    reviewWait: [1 * HOUR, 8 * HOUR],
    planLead: [4 * HOUR, 2 * DAY],
    ciQueue: [1 * MINUTE, 10 * MINUTE],
    ciDuration: [15 * MINUTE, 40 * MINUTE],
    ciFailure: 0.1,
    ciRerunDelay: [10 * MINUTE, 1 * HOUR],
    releaseInterval: null,
    freeze: [30 * MINUTE, 3 * HOUR],
    deployDuration: [5 * MINUTE, 20 * MINUTE],
    deployFailure: 0.06,
    retryDelay: [20 * MINUTE, 90 * MINUTE],
    changeFailure: 0.1,
    incidentDelay: [10 * MINUTE, 6 * HOUR],
    restore: [30 * MINUTE, 6 * HOUR],
    hotfix: 0.35,
    directCommitShare: 0.04,
  },
  {
    prRate: 2.5,
    commitsPerPr: [1, 3],
    doTime: [30 * MINUTE, 5 * HOUR],
    reviewWait: [15 * MINUTE, 2 * HOUR],
    planLead: [1 * HOUR, 24 * HOUR],
    ciQueue: [0.5 * MINUTE, 3 * MINUTE],
    ciDuration: [5 * MINUTE, 15 * MINUTE],
    ciFailure: 0.08,
    ciRerunDelay: [5 * MINUTE, 20 * MINUTE],
    releaseInterval: null,
    freeze: [1, 2],
    deployDuration: [3 * MINUTE, 10 * MINUTE],
    deployFailure: 0.05,
    retryDelay: [5 * MINUTE, 30 * MINUTE],
    changeFailure: 0.065,
    incidentDelay: [5 * MINUTE, 90 * MINUTE],
    restore: [10 * MINUTE, 50 * MINUTE],
    hotfix: 0.4,
    directCommitShare: 0.03,
  },
];

/** The highest level, continuous deployment: releases follow each green merge. */
export const CONTINUOUS = 4;
/** Daily releases: one or two a working day. */
export const DAILY = 3;

/** One period of constant practice: `level` from `from` (inclusive) until `to`. */
export interface Segment {
  level: number;
  from: number;
  to: number;
}

/** The days in {@link catalogue} level-up plans are on this history length. */
const PLAN_DAYS = 548;

/**
 * A team's periods of constant practice between `start` and `end`. Plans are scaled to the
 * history's length and jittered per team, so teams of one department move close together but
 * not in lockstep.
 */
export function timeline(levelUps: readonly number[], start: number, end: number, random: Random): Segment[] {
  const scale = (end - start) / (PLAN_DAYS * DAY);
  const segments: Segment[] = [];
  let from = start;
  levelUps.forEach((day, level) => {
    const to = Math.max(from + DAY, start + (day + random.int(-10, 10)) * DAY * scale);
    segments.push({ level, from, to });
    from = to;
  });
  segments.push({ level: levelUps.length, from, to: end });
  return segments.filter((s) => s.from < end).map((s) => ({ ...s, to: Math.min(s.to, end) }));
}

/** The level in force at `at`. */
export function levelAt(segments: readonly Segment[], at: number): number {
  for (const segment of segments) if (at < segment.to) return segment.level;
  return segments[segments.length - 1].level;
}
