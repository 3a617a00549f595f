/**
 * The plan and act forms: what the fields hold, the bodies they send (the unit goes with the
 * target: the server converts), and the server's errors placed next to the fields they name.
 */
import { loopMetricUnits, type LoopDecision, type LoopItem, type LoopMetric } from '../../common/api';
import { addDays } from './date-range';
import { METRIC_INFO } from './loops-compare';
import { loopLengthDays } from './loops-chart';

export type LoopUnit = (typeof loopMetricUnits)[LoopMetric][number];

export const UNIT_LABELS: Record<LoopUnit, string> = {
  seconds: 'seconds',
  minutes: 'minutes',
  hours: 'hours',
  days: 'days',
  perWeek: 'deployments a week',
  perDay: 'deployments a day',
  fraction: 'fraction (0 to 1)',
  percent: 'percent',
};

/** The unit a target is first offered in: the one people say it in. */
export const DEFAULT_UNIT: Record<LoopMetric, LoopUnit> = {
  leadTime: 'hours',
  timeToRestore: 'hours',
  deploymentFrequency: 'perWeek',
  changeFailureRate: 'percent',
  reworkRate: 'percent',
};

/** "Lead time (median): lower is better". */
export function metricChoiceLabel(metric: LoopMetric): string {
  return `${METRIC_INFO[metric].label}: ${metric === 'deploymentFrequency' ? 'aim higher' : 'aim lower'}`;
}

export function unitsFor(metric: LoopMetric): readonly LoopUnit[] {
  return loopMetricUnits[metric];
}

/** The unit to keep when the metric changes: the same one if the new metric takes it, else its default. */
export function unitAfterMetricChange(metric: LoopMetric, unit: string): LoopUnit {
  return (unitsFor(metric) as readonly string[]).includes(unit) ? (unit as LoopUnit) : DEFAULT_UNIT[metric];
}

/** What the plan form holds: text as typed; `to` is the loop's last day, included. */
export interface PlanFormValues {
  name: string;
  from: string;
  to: string;
  metric: LoopMetric;
  target: string;
  unit: LoopUnit;
  hypothesis: string;
}

export interface PlanBody {
  scope: string;
  name: string;
  from: string;
  to: string;
  plan: { metric: LoopMetric; target: number | null; unit: LoopUnit; hypothesis: string };
}

/**
 * The body of `POST /api/v1/loops`. The API's `to` is exclusive, so the day after the last day
 * is sent. Nothing is checked here: the server says what is wrong and where, in one place.
 * A target that is not a number is sent as null, which the server names.
 */
export function planBody(scope: string, v: PlanFormValues): PlanBody {
  const text = v.target.trim().replace(',', '.');
  const target = text === '' || !Number.isFinite(Number(text)) ? null : Number(text);
  const to = /^\d{4}-\d{2}-\d{2}$/.test(v.to) ? addDays(v.to, 1) : v.to;
  return {
    scope,
    name: v.name.trim(),
    from: v.from,
    to,
    plan: { metric: v.metric, target, unit: v.unit, hypothesis: v.hypothesis.trim() },
  };
}

/** A fresh form: the next loop starts where the last recorded one ended (loops follow each other), else today. */
export function defaultPlanValues(loops: readonly LoopItem[], today: string): PlanFormValues {
  const recorded = loops.filter((l) => !l.derived);
  const last = recorded[recorded.length - 1];
  const from = last ? last.to.slice(0, 10) : today;
  const days = loopLengthDays(last ?? loops[loops.length - 1]);
  return { name: '', from, to: addDays(from, days - 1), metric: 'leadTime', target: '', unit: DEFAULT_UNIT.leadTime, hypothesis: '' };
}

export const DECISIONS: readonly { value: LoopDecision; label: string; means: string }[] = [
  { value: 'adopt', label: 'Adopt', means: 'it worked: keep the change as the new standard' },
  { value: 'adapt', label: 'Adapt', means: 'it partly worked: change the plan and try again' },
  { value: 'abandon', label: 'Abandon', means: 'it did not work: go back and try something else' },
];

export function decisionLabel(decision: LoopDecision): string {
  return DECISIONS.find((d) => d.value === decision)?.label ?? decision;
}

export interface ActBody {
  act: { decision: LoopDecision | null; notes: string };
}

/** The body of `PATCH /api/v1/loops/:id` for an act; no decision is sent as null, which the server names. */
export function actBody(decision: LoopDecision | '', notes: string): ActBody {
  return { act: { decision: decision === '' ? null : decision, notes: notes.trim() } };
}

/** A refusal in one line, without the field name the form already shows ("act.decision: …"). */
export function errorText(message: string, details: readonly FieldIssue[]): string {
  return Object.values(fieldErrors(message, details)).join(' ');
}

/** The form fields a server error can name; `form` for what belongs to none. */
export type PlanField = 'name' | 'from' | 'to' | 'metric' | 'target' | 'unit' | 'hypothesis' | 'form';

const PATH_FIELDS: Record<string, PlanField> = {
  name: 'name',
  from: 'from',
  to: 'to',
  'plan.metric': 'metric',
  'plan.target': 'target',
  'plan.unit': 'unit',
  'plan.hypothesis': 'hypothesis',
  plan: 'metric',
  'act.decision': 'form',
  'act.notes': 'form',
};

export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The messages to show, by field: from `error.details[].path` when the server sent details,
 * else from the `field: message` the message starts with; anything else goes to the form.
 */
export function fieldErrors(message: string, details: readonly FieldIssue[]): Partial<Record<PlanField, string>> {
  const out: Partial<Record<PlanField, string>> = {};
  const add = (field: PlanField, text: string) => {
    out[field] = out[field] ? `${out[field]} ${text}` : text;
  };
  if (details.length > 0) {
    for (const d of details) add(PATH_FIELDS[d.path] ?? 'form', sentence(d.message));
    return out;
  }
  const match = /^([a-zA-Z.]+): (.*)$/s.exec(message);
  const field = match ? PATH_FIELDS[match[1]] : undefined;
  if (match && field) add(field, sentence(match[2]));
  else add('form', message);
  return out;
}

/** "say what you expect" → "Say what you expect." */
function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  // A field's own name (leadTime, perWeek) keeps its case.
  const capital = /^[a-z]+[A-Z]/.test(t) ? t : t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
