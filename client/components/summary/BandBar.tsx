/** A small stacked bar of how a roll-up's services spread over the bands, with the counts in words beside it. */
import type { BandCounts } from '../../../common/api';
import { bandSegments, describeBands } from '../../lib/summary-bands';

export function BandBar({ bands }: { bands: BandCounts }) {
  const segments = bandSegments(bands);
  if (segments.length === 0) return <span className="muted">No services</span>;
  return (
    <div className="band-bar" data-testid="band-bar">
      <div className="band-bar-track" aria-hidden="true">
        {segments.map((s) => (
          <span key={s.band} className={`band-bar-segment band-${s.band}`} style={{ flexGrow: s.count }} />
        ))}
      </div>
      {/* The words carry the meaning; the colours only repeat it. */}
      <ul className="band-bar-labels" aria-label={describeBands(bands)}>
        {segments.map((s) => (
          <li key={s.band} data-band={s.band}>
            <span className={`swatch band-${s.band}`} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
    </div>
  );
}
