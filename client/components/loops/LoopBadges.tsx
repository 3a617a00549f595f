/** What kind of loop it is, where it stands, whether it met its target and whether its plan came after the fact, in words. */
import type { LoopItem } from '../../../common/api';
import { loopPhase, retrospectiveWords } from '../../lib/loops-state';

export function LoopBadges({ loop }: { loop: Pick<LoopItem, 'derived' | 'plan' | 'targetMet' | 'from' | 'to' | 'retrospective'> }) {
  const phase = loopPhase(loop, Date.now());
  const ahead = phase === 'ahead';
  const running = phase === 'running';
  return (
    <p className="loop-badges">
      {loop.derived ? (
        <span className="tag tag-cadence" data-testid="cadence-tag">
          Cadence loop
        </span>
      ) : (
        <span className="tag tag-recorded">Planned loop</span>
      )}
      {ahead && <span className="tag tag-ahead">Not started</span>}
      {running && (
        <span className="tag tag-ahead" data-testid="running-tag">
          In progress
        </span>
      )}
      {loop.retrospective && (
        <span className="tag tag-retrospective" data-testid="retrospective-tag" title={retrospectiveWords(loop.retrospective)}>
          Retrospective plan<span className="visually-hidden">: {retrospectiveWords(loop.retrospective)}</span>
        </span>
      )}
      {loop.plan && loop.targetMet === true && <span className="tag tag-met">✓ Target met</span>}
      {loop.plan && loop.targetMet === false && !running && !ahead && <span className="tag tag-missed">✗ Target missed</span>}
    </p>
  );
}
