/** The Check of a loop: is its lead time different from the previous loop's, beyond noise? */
import type { LoopLeadTimeCheck } from '../../common/api';
import { mannWhitney } from '../metrics/mann-whitney';

/** Below this many changes in either loop, Deming says so instead of giving a verdict. */
export const MIN_SAMPLE = 5;
/** The significance level of the verdict. */
export const ALPHA = 0.05;

const p = (v: number) => (v < 0.001 ? 'p < 0.001' : `p = ${v.toFixed(3)}`);

/** Compares the lead times (seconds) of a loop with the previous loop's. */
export function checkLeadTime(previous: number[], current: number[]): LoopLeadTimeCheck {
  const base = { previousCount: previous.length, currentCount: current.length };
  if (previous.length < MIN_SAMPLE || current.length < MIN_SAMPLE) {
    return {
      ...base,
      u: null,
      pValue: null,
      direction: 'none',
      effect: null,
      method: null,
      verdict: `too few changes to tell (needs at least ${MIN_SAMPLE} in each loop)`,
    };
  }
  const r = mannWhitney(current, previous);
  const effect = r.u / (current.length * previous.length);
  if (r.pValue >= ALPHA) {
    return {
      ...base,
      u: r.u,
      pValue: r.pValue,
      direction: 'none',
      effect,
      method: r.method,
      verdict: `no detectable change (${p(r.pValue)})`,
    };
  }
  const direction = effect > 0.5 ? 'faster' : 'slower';
  return {
    ...base,
    u: r.u,
    pValue: r.pValue,
    direction,
    effect,
    method: r.method,
    verdict: `${direction}, unlikely to be noise (${p(r.pValue)})`,
  };
}
