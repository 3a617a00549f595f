/** A DORA band in words, with a colour only as a second signal. */
import type { Band } from '../../common/api';
import { bandLabel } from '../lib/format';

export function BandBadge({ band, large = false }: { band: Band | null; large?: boolean }) {
  return (
    <span className={`band band-${band ?? 'none'}${large ? ' band-large' : ''}`} data-testid="band" data-band={band ?? 'none'}>
      {bandLabel(band)}
    </span>
  );
}
