/** Act: the decision taken on the loop, the one taken on the loop before, and the form to record or change it. */
import { useState } from 'react';
import type { LoopAct as Act, LoopItem } from '../../../common/api';
import { formatDate } from '../../lib/format';
import { decisionLabel } from '../../lib/loops-form';
import { ActForm } from './ActForm';
import { NeedsEditor, useCanEdit } from './NeedsEditor';

export function Decision({ act, testId }: { act: Act; testId: string }) {
  return (
    <div className={`decision decision-${act.decision}`} data-testid={testId}>
      <p>
        <strong className="decision-word">{decisionLabel(act.decision)}</strong>{' '}
        <span className="muted small">decided {formatDate(act.decidedAt)}</span>
      </p>
      {act.notes && <p className="decision-notes">{act.notes}</p>}
    </div>
  );
}

export function PreviousDecision({ act }: { act: Act | null }) {
  if (!act) return null;
  return (
    <div className="previous-decision" data-testid="previous-act">
      <h3>Decided at the end of the previous loop</h3>
      <Decision act={act} testId="previous-decision" />
    </div>
  );
}

export function LoopActSection({ loop, onChanged }: { loop: LoopItem; onChanged: (message: string) => void }) {
  const [editing, setEditing] = useState(false);
  const editable = useCanEdit();
  if (loop.derived) {
    return (
      <p className="muted" data-testid="loop-act">
        A cadence loop has no act to record: plan a loop to record what you decide.
      </p>
    );
  }
  if (!editable) {
    return (
      <div data-testid="loop-act">
        {loop.act ? <Decision act={loop.act} testId="decision" /> : <p className="muted small">No decision yet.</p>}
        <NeedsEditor what={loop.act ? 'Changing the decision' : 'Recording the decision'} />
      </div>
    );
  }
  if (loop.act && !editing) {
    return (
      <div data-testid="loop-act">
        <Decision act={loop.act} testId="decision" />
        <button type="button" className="button-secondary" onClick={() => setEditing(true)} data-testid="change-decision">
          Change the decision
        </button>
      </div>
    );
  }
  return (
    <div data-testid="loop-act">
      {!loop.act && <p className="muted small">No decision yet. At the end of the loop, look at the check and decide.</p>}
      <ActForm
        loopId={loop.id}
        loopName={loop.name}
        current={loop.act}
        onDone={(m) => {
          setEditing(false);
          onChanged(m);
        }}
        onCancel={loop.act ? () => setEditing(false) : undefined}
      />
    </div>
  );
}
