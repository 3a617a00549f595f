/** The date range: two day inputs and presets, all written to the URL. */
import { useId } from 'react';
import { useDateRange } from '../hooks/useDateRange';
import { activePreset, isIsoDate, presetRange, PRESETS } from '../lib/date-range';

export function DateRangeControls() {
  const id = useId();
  const { range, today, setRange } = useDateRange();
  const active = activePreset(range, today);
  return (
    <fieldset className="date-range">
      <legend className="visually-hidden">Date range</legend>
      <div className="field">
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="date"
          value={range.from}
          max={today}
          data-testid="range-from"
          onChange={(e) => {
            if (isIsoDate(e.target.value)) setRange({ ...range, from: e.target.value });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>
          To <span className="hint">(today = up to now)</span>
        </label>
        <input
          id={`${id}-to`}
          type="date"
          value={range.to ?? today}
          max={today}
          data-testid="range-to"
          onChange={(e) => setRange({ ...range, to: isIsoDate(e.target.value) && e.target.value < today ? e.target.value : null })}
        />
      </div>
      <div className="presets" role="group" aria-label="Last">
        <span className="presets-label" aria-hidden="true">
          Last
        </span>
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className="preset"
            aria-pressed={active?.id === p.id}
            data-testid={`preset-${p.id}`}
            onClick={() => setRange(presetRange(p, today))}
          >
            {p.label}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
