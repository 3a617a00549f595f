/** Do: what reached production during the loop. */
import type { LoopItem } from '../../../common/api';
import { formatDuration, plural } from '../../lib/format';

export function LoopDo({ loop }: { loop: Pick<LoopItem, 'metrics' | 'stages'> }) {
  const m = loop.metrics;
  return (
    <p data-testid="loop-do">
      {plural(m.leadTime.count, 'change')} reached production in {plural(m.deploymentFrequency.count, 'deployment')}
      {loop.stages.count > 0 && <>; a merged pull request took {formatDuration(loop.stages.loop)} from plan to production (median)</>}
      {m.timeToRestore.count > 0 && <>; {plural(m.timeToRestore.count, 'incident')} resolved</>}.
    </p>
  );
}
