/** Delete a recorded loop, after a confirmation on the page (its audit trail stays). */
import { useEffect, useRef, useState } from 'react';
import { asWriteError, deleteLoop } from '../../lib/loops-api';

export function DeleteLoop({ loopId, loopName, onDone }: { loopId: string; loopName: string; onDone: (message: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirm.current?.focus();
  }, [confirming]);

  const run = async () => {
    setBusy(true);
    try {
      await deleteLoop(loopId);
      onDone(`Deleted “${loopName}”. Its history stays in the audit trail.`);
    } catch (e) {
      setError(asWriteError(e).message);
      setBusy(false);
    }
  };

  if (!confirming) {
    return (
      <button type="button" className="button-warning-secondary" onClick={() => setConfirming(true)} data-testid="delete-loop">
        Delete this loop
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={`Delete “${loopName}”?`} data-testid="delete-confirm">
      <p>
        <strong>Delete “{loopName}”?</strong> Its plan and act go; who did what stays in the audit trail.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button-warning" ref={confirm} onClick={run} disabled={busy} data-testid="delete-yes">
          {busy ? 'Deleting…' : 'Yes, delete it'}
        </button>
        <button
          type="button"
          className="button-secondary"
          onClick={() => {
            setConfirming(false);
            setError(null);
          }}
        >
          No, keep it
        </button>
      </div>
    </div>
  );
}
