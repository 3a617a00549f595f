/** The lines and marks of the XmR chart, in words and with their values. */
import type { Xmr } from '../../../common/api';
import { formatDuration } from '../../lib/format';

export function XmrLegend({ xmr, lowerBelowZero }: { xmr: Xmr; lowerBelowZero: boolean }) {
  return (
    <ul className="legend xmr-legend" aria-label="Lines and marks" data-testid="xmr-legend">
      <li>
        <span className="legend-line" aria-hidden="true" /> lead time p50
      </li>
      <li data-testid="xmr-centre">
        <span className="legend-line legend-centre" aria-hidden="true" /> centre line (mean): {formatDuration(xmr.centre)}
      </li>
      <li data-testid="xmr-limits">
        <span className="legend-line legend-limit" aria-hidden="true" /> natural process limits:{' '}
        {lowerBelowZero ? 'lower below zero (not drawn)' : formatDuration(xmr.lowerLimit)} to {formatDuration(xmr.upperLimit)}
      </li>
      <li>
        <span className="legend-mark" aria-hidden="true">
          ▲
        </span>{' '}
        outside the limits, labelled “limit”
      </li>
      <li>
        <span className="legend-mark" aria-hidden="true">
          ◆
        </span>{' '}
        8 or more in a row on one side, labelled “run”
      </li>
    </ul>
  );
}
