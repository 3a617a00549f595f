/** Plan a loop: name, days, the metric it aims to move, the target in a unit that fits, and the hypothesis. */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { loopMetrics, type LoopMetric } from '../../../common/api';
import {
  metricChoiceLabel,
  planBody,
  UNIT_LABELS,
  unitAfterMetricChange,
  unitsFor,
  fieldErrors,
  type LoopUnit,
  type PlanField,
  type PlanFormValues,
} from '../../lib/loops-form';
import { asWriteError, planLoop } from '../../lib/loops-api';
import type { ScopeRef } from '../../lib/scope';

const FIELD_NAMES: Record<Exclude<PlanField, 'form'>, string> = {
  name: 'Name',
  from: 'First day',
  to: 'Last day',
  metric: 'Metric',
  target: 'Target',
  unit: 'Unit',
  hypothesis: 'Hypothesis',
};

interface Props {
  scope: ScopeRef;
  initial: PlanFormValues;
  onDone: (message: string, id: string) => void;
  onCancel: () => void;
}

export function PlanForm({ scope, initial, onDone, onCancel }: Props) {
  const id = useId();
  const [v, setV] = useState<PlanFormValues>(initial);
  const [errors, setErrors] = useState<Partial<Record<PlanField, string>>>({});
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const set = <K extends keyof PlanFormValues>(k: K, value: PlanFormValues[K]) => setV((old) => ({ ...old, [k]: value }));
  const hasErrors = Object.keys(errors).length > 0;
  useEffect(() => {
    if (hasErrors) summary.current?.focus();
  }, [errors, hasErrors]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const answer = await planLoop(planBody(scope.key, v));
      setErrors({});
      onDone(`Planned “${v.name.trim()}”.`, answer?.id ?? '');
    } catch (err) {
      const w = asWriteError(err);
      setErrors(fieldErrors(w.message, w.details));
    } finally {
      setBusy(false);
    }
  };

  const field = (
    name: PlanField,
    label: ReactNode,
    control: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode,
    hint?: string,
  ) => {
    const fid = `${id}-${name}`;
    const describedBy = [hint ? `${fid}-hint` : '', errors[name] ? `${fid}-error` : ''].filter(Boolean).join(' ') || undefined;
    return (
      <div className={`field${errors[name] ? ' field-invalid' : ''}`} data-field={name}>
        <label htmlFor={fid}>{label}</label>
        {hint && (
          <span className="hint" id={`${fid}-hint`}>
            {hint}
          </span>
        )}
        {errors[name] && (
          <p className="field-error" id={`${fid}-error`} data-testid={`error-${name}`}>
            <span className="visually-hidden">Error: </span>
            {errors[name]}
          </p>
        )}
        {control({ id: fid, 'aria-describedby': describedBy, 'aria-invalid': errors[name] ? true : undefined })}
      </div>
    );
  };

  return (
    <form className="loop-form plan-form" onSubmit={submit} noValidate data-testid="plan-form">
      {hasErrors && (
        <div className="error-summary" role="alert" tabIndex={-1} ref={summary} data-testid="plan-errors">
          <h3>The loop was not planned</h3>
          <ul>
            {Object.entries(errors).map(([k, message]) => (
              <li key={k}>
                {k === 'form' ? (
                  message
                ) : (
                  <a href={`#${id}-${k}`}>
                    {FIELD_NAMES[k as Exclude<PlanField, 'form'>]}: {message}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="muted small">
        For <strong>{scope.label}</strong>. Loops of one scope follow each other: they may not overlap.
      </p>
      {field(
        'name',
        'Name',
        (p) => (
          <input type="text" {...p} value={v.name} onChange={(e) => set('name', e.target.value)} data-testid="plan-name" />
        ),
        'What the team will try, in a few words',
      )}
      <div className="field-row">
        {field('from', 'First day', (p) => (
          <input type="date" {...p} value={v.from} onChange={(e) => set('from', e.target.value)} data-testid="plan-from" />
        ))}
        {field(
          'to',
          <>
            Last day <span className="hint">(included)</span>
          </>,
          (p) => (
            <input type="date" {...p} value={v.to} onChange={(e) => set('to', e.target.value)} data-testid="plan-to" />
          ),
        )}
      </div>
      {field('metric', 'Metric to move', (p) => (
        <select
          {...p}
          value={v.metric}
          data-testid="plan-metric"
          onChange={(e) => {
            const metric = e.target.value as LoopMetric;
            setV((old) => ({ ...old, metric, unit: unitAfterMetricChange(metric, old.unit) }));
          }}
        >
          {loopMetrics.map((m) => (
            <option key={m} value={m}>
              {metricChoiceLabel(m)}
            </option>
          ))}
        </select>
      ))}
      <div className="field-row">
        {field('target', 'Target', (p) => (
          <input
            type="text"
            inputMode="decimal"
            {...p}
            value={v.target}
            onChange={(e) => set('target', e.target.value)}
            data-testid="plan-target"
            className="input-short"
          />
        ))}
        {field('unit', 'Unit', (p) => (
          <select {...p} value={v.unit} onChange={(e) => set('unit', e.target.value as LoopUnit)} data-testid="plan-unit">
            {unitsFor(v.metric).map((u) => (
              <option key={u} value={u}>
                {UNIT_LABELS[u]}
              </option>
            ))}
          </select>
        ))}
      </div>
      {field(
        'hypothesis',
        'Hypothesis',
        (p) => (
          <textarea
            {...p}
            rows={3}
            value={v.hypothesis}
            onChange={(e) => set('hypothesis', e.target.value)}
            data-testid="plan-hypothesis"
          />
        ),
        'What you will change, and what you expect it to do to the metric',
      )}
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy} data-testid="plan-submit">
          {busy ? 'Planning…' : 'Plan the loop'}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
