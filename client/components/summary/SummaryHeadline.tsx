/** The organisation-wide headline above the departments: "from months to hours", and four figures with their bands. */
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import type { Band, BandReason, MetricsResponse } from '../../../common/api';
import { formatDuration, formatLastDay, formatFactor, formatPercent, formatRate, NO_DATA, plural } from '../../lib/format';
import { pathForScope } from '../../lib/scope';
import { baselineNote, headlineSentence } from '../../lib/summary-text';
import type { TileId } from '../../lib/tile-changes';
import { BandBadge } from '../BandBadge';
import { BandBar } from './BandBar';

function Figure({
  id,
  title,
  value,
  band,
  reason,
  note,
  changed,
}: {
  id: TileId;
  title: string;
  value: string | null;
  band?: Band | null;
  reason?: BandReason;
  note: ReactNode;
  changed: ReadonlySet<TileId>;
}) {
  const moved = changed.has(id);
  return (
    <div className={`headline-figure${moved ? ' tile-changed' : ''}`} data-testid={`headline-${id}`} data-changed={moved || undefined}>
      <dt>
        {title}
        {moved && (
          <span className="tile-changed-tag" data-testid="tile-changed">
            {' '}
            updated
          </span>
        )}
      </dt>
      <dd className="headline-value" data-testid="headline-value">
        {value ?? NO_DATA}
      </dd>
      <dd className="headline-note">
        {band !== undefined && <BandBadge band={band} reason={reason} />} <span className="muted small">{note}</span>
      </dd>
    </div>
  );
}

/** `changed`: the figures live events moved a moment ago, marked for a few seconds. */
export function SummaryHeadline({ org, changed }: { org: MetricsResponse; changed: ReadonlySet<TileId> }) {
  const { search } = useLocation();
  const { now, deploymentFrequency: df, changeFailureRate: cfr, timeToRestore: ttr, speedup, baseline } = org;
  const noIncidents = (figure: string | null) => (cfr.reason ? 'no incident data' : figure);
  return (
    <section className="panel summary-headline" aria-labelledby="org-headline-heading" data-testid="summary-headline">
      <div className="headline-story">
        <h2 id="org-headline-heading">Across the organisation</h2>
        {speedup !== null && speedup >= 1.05 && (
          <p className="headline-factor" aria-hidden="true">
            {formatFactor(speedup)} faster
          </p>
        )}
        <p className="headline-sentence" data-testid="headline-sentence">
          {headlineSentence(org)}
        </p>
        {baseline && (
          <p className="muted small" data-testid="headline-baseline">
            {baselineNote(baseline)} Now is the 90 days to {formatLastDay(now.to)}, whatever the range.
          </p>
        )}
        <p className="small no-print">
          <Link to={{ pathname: pathForScope('org'), search }} data-testid="org-link">
            See the whole organisation in detail
          </Link>
        </p>
      </div>
      <dl className="headline-figures">
        <Figure
          id="lead-time"
          title="Change lead time, median, last 90 days"
          value={now.leadTimeP50 === null ? null : formatDuration(now.leadTimeP50)}
          note={plural(now.count, 'change')}
          changed={changed}
        />
        <Figure
          id="deployment-frequency"
          title="Deployments per week"
          value={df.count > 0 ? formatRate(df.perWeek) : null}
          band={df.band}
          reason={df.bandReason}
          note={plural(df.count, 'deployment')}
          changed={changed}
        />
        <Figure
          id="change-failure-rate"
          title="Change fail rate"
          value={noIncidents(cfr.rate === null ? null : formatPercent(cfr.rate))}
          band={cfr.band}
          reason={cfr.bandReason}
          note={cfr.reason ? '' : plural(cfr.failed, 'failed deployment')}
          changed={changed}
        />
        <Figure
          id="time-to-restore"
          title="Time to restore, median"
          value={noIncidents(ttr.p50 === null ? null : formatDuration(ttr.p50))}
          band={ttr.band}
          reason={ttr.bandReason}
          note={ttr.reason ? '' : plural(ttr.count, 'incident')}
          changed={changed}
        />
        {org.bands && (
          <div className="headline-figure headline-bands">
            <dt>Services by band</dt>
            <dd>
              <BandBar bands={org.bands} />
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}
