/** Loop targets: given in a unit the user picks, stored in the metric's canonical unit. */
import { loopMetricUnits, type LoopMetric } from '../../common/api';
import { HttpError } from '../errors';

const factor: Record<string, number> = {
  seconds: 1,
  minutes: 60,
  hours: 3600,
  days: 86_400,
  perWeek: 1,
  perDay: 7,
  fraction: 1,
  percent: 0.01,
};

/** The target in the canonical unit (seconds, deployments a week, or a fraction), or a 400 naming the field. */
export function canonicalTarget(metric: LoopMetric, target: number, unit?: string): number {
  const units: readonly string[] = loopMetricUnits[metric];
  const u = unit ?? units[0];
  if (!units.includes(u)) {
    throw new HttpError(400, 'invalid_loop', `plan.unit: ${metric} takes ${units.join(', ')}, not "${u}".`, [
      { path: 'plan.unit', message: `takes ${units.join(', ')}` },
    ]);
  }
  const value = target * factor[u];
  if (!(value > 0) && !(value === 0 && (metric === 'changeFailureRate' || metric === 'reworkRate'))) {
    throw new HttpError(400, 'invalid_loop', `plan.target: must be more than 0 ${u}.`, [
      { path: 'plan.target', message: `must be more than 0 ${u}` },
    ]);
  }
  if ((metric === 'changeFailureRate' || metric === 'reworkRate') && value > 1) {
    throw new HttpError(400, 'invalid_loop', `plan.target: ${metric} is a fraction from 0 to 1 (15% is 0.15), or send "unit": "percent".`, [
      { path: 'plan.target', message: 'a fraction from 0 to 1, or send "unit": "percent"' },
    ]);
  }
  return value;
}

/** Whether a loop's figures reached its target: at most the target, or at least for deployment frequency. */
export function targetMet(metric: LoopMetric, target: number, actual: number | null): boolean | null {
  if (actual === null) return null;
  return metric === 'deploymentFrequency' ? actual >= target : actual <= target;
}
