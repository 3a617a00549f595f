/** How the services of a roll-up spread over the bands: DORA warns against one blended number. */
import type { BandCounts } from '../../common/api';
import { bandLabel, plural } from '../lib/format';
import { CsvLink } from './summary/CsvLink';

const ORDER = ['elite', 'high', 'medium', 'low', 'none'] as const;

/** `csvUrl`: the scope's metrics, whose CSV carries the band counts. */
export function BandDistribution({ bands, scopeLabel, csvUrl }: { bands: BandCounts; scopeLabel: string; csvUrl: string }) {
  const total = ORDER.reduce((sum, b) => sum + bands[b], 0);
  return (
    <section className="panel" aria-labelledby="bands-heading" data-testid="band-distribution">
      <div className="panel-title-row">
        <h2 id="bands-heading">Services by band</h2>
        <CsvLink url={csvUrl} what="the figures, band counts included" file="metrics" />
      </div>
      <p className="muted small">
        The overall band of each of the {plural(total, 'service')} in {scopeLabel}, in this range.
      </p>
      {total > 0 && (
        <div className="stacked-bar" aria-hidden="true">
          {ORDER.filter((b) => bands[b] > 0).map((b) => (
            <span key={b} className={`segment band-${b}`} style={{ flexGrow: bands[b] }}>
              {bands[b]}
            </span>
          ))}
        </div>
      )}
      <ul className="band-list">
        {ORDER.map((b) => (
          <li key={b} data-band={b}>
            <span className={`swatch band-${b}`} aria-hidden="true" />
            <span className="band-list-label">{b === 'none' ? 'No data' : bandLabel(b)}</span>
            <span className="band-list-count">{bands[b]}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
