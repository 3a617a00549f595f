import { describe, expect, it } from 'vitest';
import {
  actBody,
  defaultPlanValues,
  errorText,
  fieldErrors,
  planBody,
  unitAfterMetricChange,
  unitsFor,
  type PlanFormValues,
} from '../../client/lib/loops-form';
import { auditChanges, auditSentence } from '../../client/lib/loops-audit';
import { loopItem } from '../helpers/loop-item';

const values = (o: Partial<PlanFormValues> = {}): PlanFormValues => ({
  name: '  Smaller pull requests ',
  from: '2026-03-02',
  to: '2026-03-15',
  metric: 'leadTime',
  target: '6',
  unit: 'hours',
  hypothesis: ' Reviews go faster. ',
  ...o,
});

describe('planBody', () => {
  it('sends the unit with the target (the server converts) and the day after the last day as `to`', () => {
    expect(planBody('team:a', values())).toEqual({
      scope: 'team:a',
      name: 'Smaller pull requests',
      from: '2026-03-02',
      to: '2026-03-16',
      plan: { metric: 'leadTime', target: 6, unit: 'hours', hypothesis: 'Reviews go faster.' },
    });
  });

  it.each([
    ['15', 'percent', 15],
    ['0,5', 'perDay', 0.5],
    ['', 'percent', null],
    ['soon', 'hours', null],
  ] as const)('target %j in %s → %j', (target, unit, sent) => {
    expect(planBody('org', values({ target, unit })).plan.target).toBe(sent);
  });

  it('leaves dates it cannot read as they are, for the server to name', () => {
    expect(planBody('org', values({ from: '', to: '' }))).toMatchObject({ from: '', to: '' });
  });
});

describe('units', () => {
  it('offers the units each metric takes, keeping the unit when the new metric takes it', () => {
    expect(unitsFor('deploymentFrequency')).toEqual(['perWeek', 'perDay']);
    expect(unitAfterMetricChange('timeToRestore', 'days')).toBe('days');
    expect(unitAfterMetricChange('changeFailureRate', 'days')).toBe('percent');
    expect(unitAfterMetricChange('deploymentFrequency', 'percent')).toBe('perWeek');
  });
});

describe('defaultPlanValues', () => {
  it('starts the next loop where the last recorded one ended, for as long', () => {
    const v = defaultPlanValues([loopItem({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-30T00:00:00.000Z' })], '2026-04-20');
    expect([v.from, v.to, v.metric, v.unit]).toEqual(['2026-03-30', '2026-04-26', 'leadTime', 'hours']);
  });

  it("starts today, for a cadence's length, when only cadence loops exist", () => {
    const v = defaultPlanValues([loopItem({ derived: true })], '2026-04-20');
    expect([v.from, v.to]).toEqual(['2026-04-20', '2026-05-03']);
  });
});

describe('fieldErrors', () => {
  it("places the server's details next to the fields they name", () => {
    expect(
      fieldErrors('plan.hypothesis: say what you expect; name: must not be empty', [
        { path: 'plan.hypothesis', message: 'say what you expect to happen and why' },
        { path: 'name', message: 'must not be empty' },
      ]),
    ).toEqual({ hypothesis: 'Say what you expect to happen and why.', name: 'Must not be empty.' });
  });

  it('reads the field from the message when there are no details', () => {
    expect(fieldErrors('to: must be after from.', [])).toEqual({ to: 'Must be after from.' });
    expect(fieldErrors('plan.unit: leadTime takes seconds, minutes, hours, days, not "percent".', [])).toEqual({
      unit: 'leadTime takes seconds, minutes, hours, days, not "percent".',
    });
    expect(fieldErrors('from: this loop overlaps "A" (2026-03-02 to 2026-03-16); loops of one scope follow each other.', [])).toEqual({
      from: 'This loop overlaps "A" (2026-03-02 to 2026-03-16); loops of one scope follow each other.',
    });
  });

  it('puts anything else on the form', () => {
    expect(fieldErrors('This action needs the editor role.', [])).toEqual({ form: 'This action needs the editor role.' });
    expect(fieldErrors('x', [{ path: '(body)', message: 'unknown field "y": remove it' }])).toEqual({
      form: 'Unknown field "y": remove it.',
    });
  });
});

describe('act', () => {
  it('sends the decision and trimmed notes; no decision goes as null for the server to name', () => {
    expect(actBody('adopt', ' Keep it. ')).toEqual({ act: { decision: 'adopt', notes: 'Keep it.' } });
    expect(actBody('', '')).toEqual({ act: { decision: null, notes: '' } });
    expect(
      errorText('act.decision: expected adopt, adapt or abandon', [{ path: 'act.decision', message: 'expected adopt, adapt or abandon' }]),
    ).toBe('Expected adopt, adapt or abandon.');
  });
});

describe('audit trail in words', () => {
  const before = {
    name: 'A',
    fromAt: Date.parse('2026-03-02'),
    toAt: Date.parse('2026-03-16'),
    planMetric: 'leadTime',
    planTarget: 21_600,
    planHypothesis: 'h',
    actDecision: null,
    actNotes: null,
  };

  it('says who did what', () => {
    expect(auditSentence({ action: 'act', actor: 'loopback', name: 'A' })).toBe('loopback recorded the act of “A”');
  });

  it('lists what a plan set and what an edit or act changed', () => {
    expect(auditChanges({ action: 'plan', before: null, after: before })).toEqual([
      '2026-03-02 to 2026-03-15',
      'target: change lead time (median) to 6 hours',
    ]);
    expect(auditChanges({ action: 'act', before, after: { ...before, actDecision: 'adopt', actNotes: 'ok' } })).toEqual([
      'decision: adopt',
    ]);
    expect(
      auditChanges({ action: 'edit', before, after: { ...before, name: 'B', toAt: Date.parse('2026-03-30'), planTarget: 7200 } }),
    ).toEqual([
      'name: “A” → “B”',
      'dates: 2026-03-02–2026-03-15 → 2026-03-02–2026-03-29',
      'target: change lead time (median) to 6 hours → change lead time (median) to 2 hours',
    ]);
    expect(auditChanges({ action: 'delete', before, after: null })).toEqual([]);
  });
});
