/** A DORA band in words, with a colour only as a second signal; "Too few to band" where the evidence is short. */
import type { Band, BandReason } from '../../common/api';
import { bandLabel } from '../lib/format';

export function BandBadge({ band, large = false, reason = null }: { band: Band | null; large?: boolean; reason?: BandReason }) {
  if (reason === 'too few') {
    return (
      <span className={`band band-none band-too-few${large ? ' band-large' : ''}`} data-testid="band" data-band="too-few">
        Too few to band
      </span>
    );
  }
  return (
    <span className={`band band-${band ?? 'none'}${large ? ' band-large' : ''}`} data-testid="band" data-band={band ?? 'none'}>
      {bandLabel(band)}
    </span>
  );
}
