/** Act: record the decision on a loop (adopt, adapt or abandon) with notes. */
import { useId, useState, type FormEvent } from 'react';
import type { LoopAct, LoopDecision } from '../../../common/api';
import { actBody, DECISIONS, errorText } from '../../lib/loops-form';
import { asWriteError, patchLoop } from '../../lib/loops-api';

interface Props {
  loopId: string;
  loopName: string;
  current: LoopAct | null;
  onDone: (message: string) => void;
  onCancel?: () => void;
}

export function ActForm({ loopId, loopName, current, onDone, onCancel }: Props) {
  const id = useId();
  const [decision, setDecision] = useState<LoopDecision | ''>(current?.decision ?? '');
  const [notes, setNotes] = useState(current?.notes ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await patchLoop(loopId, actBody(decision, notes));
      onDone(`Recorded the decision on “${loopName}”: ${decision}.`);
    } catch (err) {
      const w = asWriteError(err);
      setError(errorText(w.message, w.details));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="loop-form act-form"
      onSubmit={submit}
      noValidate
      data-testid="act-form"
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <fieldset className="radios" aria-describedby={error ? `${id}-error` : undefined}>
        <legend>Decision</legend>
        {error && (
          <p className="field-error" id={`${id}-error`} role="alert" data-testid="act-error">
            {error}
          </p>
        )}
        {DECISIONS.map((d) => (
          <div className="radio" key={d.value}>
            <input
              type="radio"
              id={`${id}-${d.value}`}
              name={`${id}-decision`}
              value={d.value}
              checked={decision === d.value}
              onChange={() => setDecision(d.value)}
              data-testid={`decision-${d.value}`}
            />
            <label htmlFor={`${id}-${d.value}`}>
              <strong>{d.label}</strong>: {d.means}
            </label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-notes`}>
          Notes <span className="hint">(what you learnt, what happens next)</span>
        </label>
        <textarea id={`${id}-notes`} rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} data-testid="act-notes" />
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy} data-testid="act-submit">
          {busy ? 'Saving…' : 'Record the decision'}
        </button>
        {onCancel && (
          <button type="button" className="button-secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
