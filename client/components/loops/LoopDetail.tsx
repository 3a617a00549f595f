/** One loop through its four stages: Plan, Do (its days and changes), Check and Act; with its retro and deletion. */
import { Link } from 'react-router';
import type { LoopItem } from '../../../common/api';
import { loopDates } from '../../lib/loops-chart';
import { retroPath, retroSearch } from '../../lib/loops-paths';
import { LoopActSection, PreviousDecision } from './LoopAct';
import { LoopBadges } from './LoopBadges';
import { LoopCheck } from './LoopCheck';
import { LoopDo } from './LoopDo';
import { LoopPlan } from './LoopPlan';
import { DeleteLoop } from './DeleteLoop';
import { useCanEdit } from './NeedsEditor';

interface Props {
  loop: LoopItem;
  previous: LoopItem | null;
  onChanged: (message: string) => void;
  onDeleted: (message: string) => void;
}

export function LoopDetail({ loop, previous, onChanged, onDeleted }: Props) {
  // Without the editor role the act section says why nothing can be changed; deleting is not offered.
  const editable = useCanEdit();
  return (
    <section className="panel loop-detail" aria-labelledby="loop-detail-heading" data-testid="loop-detail" data-loop-id={loop.id}>
      <div className="loop-detail-head">
        <div>
          <h2 id="loop-detail-heading" tabIndex={-1} data-testid="loop-name">
            {loop.name}
          </h2>
          <p className="muted">{loopDates(loop)}</p>
        </div>
        <LoopBadges loop={loop} />
      </div>
      {Date.parse(loop.from) <= Date.now() && Date.parse(loop.to) > Date.now() && (
        <p className="running-note" data-testid="running-note">
          This loop is still running: its figures are so far, and the Check gives its verdict when it ends.
        </p>
      )}
      <PreviousDecision act={loop.previousAct} />
      <div className="pdca">
        <section className="stage-block" aria-labelledby="plan-h">
          <h3 id="plan-h">
            <span className="stage-letter" aria-hidden="true">
              P
            </span>{' '}
            Plan
          </h3>
          <LoopPlan loop={loop} />
        </section>
        <section className="stage-block" aria-labelledby="do-h">
          <h3 id="do-h">
            <span className="stage-letter" aria-hidden="true">
              D
            </span>{' '}
            Do
          </h3>
          <LoopDo loop={loop} />
        </section>
        <section className="stage-block stage-block-wide" aria-labelledby="check-h">
          <h3 id="check-h">
            <span className="stage-letter" aria-hidden="true">
              C
            </span>{' '}
            Check
          </h3>
          <LoopCheck loop={loop} previous={previous} />
        </section>
        <section className="stage-block stage-block-wide" aria-labelledby="act-h">
          <h3 id="act-h">
            <span className="stage-letter" aria-hidden="true">
              A
            </span>{' '}
            Act
          </h3>
          <LoopActSection loop={loop} onChanged={onChanged} />
        </section>
      </div>
      <div className="loop-detail-foot">
        <Link to={{ pathname: retroPath(loop.scope), search: retroSearch(loop) }} className="button-link" data-testid="retro-link">
          Open the retro of this loop
        </Link>
        {!loop.derived && editable && <DeleteLoop loopId={loop.id} loopName={loop.name} onDone={onDeleted} />}
      </div>
    </section>
  );
}
