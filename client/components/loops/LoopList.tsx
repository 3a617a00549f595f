/** Every loop of the range, newest first, as links that pick the loop shown beside the list. */
import { Link, useLocation } from 'react-router';
import type { LoopItem } from '../../../common/api';
import { formatDuration } from '../../lib/format';
import { loopDates } from '../../lib/loops-chart';
import { decisionLabel } from '../../lib/loops-form';
import { LoopBadges } from './LoopBadges';
import { loopPhase } from '../../lib/loops-state';

export function LoopList({ loops, selected }: { loops: LoopItem[]; selected: number }) {
  const { search } = useLocation();
  const linkTo = (id: string) => {
    const params = new URLSearchParams(search);
    params.set('loop', id);
    return { search: `?${params.toString()}` };
  };
  return (
    <section className="panel loop-list" aria-labelledby="loop-list-heading" data-testid="loop-list">
      <h2 id="loop-list-heading">Loops, newest first</h2>
      <ol className="loop-items" reversed>
        {loops
          .map((l, i) => ({ l, i }))
          .reverse()
          .map(({ l, i }) => (
            <li key={l.id} className={i === selected ? 'loop-item selected' : 'loop-item'} data-testid="loop-item" data-loop-id={l.id}>
              <Link to={linkTo(l.id)} aria-current={i === selected ? 'true' : undefined} className="loop-link" preventScrollReset>
                <span className="loop-name">{l.name}</span>
                <span className="loop-dates">{loopDates(l)}</span>
              </Link>
              <p className="loop-facts">
                <span>Lead time {formatDuration(l.metrics.leadTime.p50)}</span>
                {l.check && loopPhase(l, Date.now()) === 'ended' && <span>Check: {l.check.leadTime.verdict}</span>}
                {l.act && <span>Act: {decisionLabel(l.act.decision)}</span>}
              </p>
              <LoopBadges loop={l} />
            </li>
          ))}
      </ol>
    </section>
  );
}
