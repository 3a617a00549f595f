/** What kind of loop it is, and whether it met its target, in words. */
import type { LoopItem } from '../../../common/api';

export function LoopBadges({ loop }: { loop: Pick<LoopItem, 'derived' | 'plan' | 'targetMet' | 'from' | 'to'> }) {
  const now = Date.now();
  const ahead = Date.parse(loop.from) > now;
  const running = !ahead && Date.parse(loop.to) > now;
  return (
    <p className="loop-badges">
      {loop.derived ? <span className="tag tag-cadence" data-testid="cadence-tag">Cadence loop</span> : <span className="tag tag-recorded">Planned loop</span>}
      {ahead && <span className="tag tag-ahead">Not started</span>}
      {running && <span className="tag tag-ahead" data-testid="running-tag">In progress</span>}
      {loop.plan && loop.targetMet === true && <span className="tag tag-met">✓ Target met</span>}
      {loop.plan && loop.targetMet === false && !running && !ahead && <span className="tag tag-missed">✗ Target missed</span>}
    </p>
  );
}
