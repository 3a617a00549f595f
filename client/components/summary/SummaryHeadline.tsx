/** The organisation-wide headline above the departments: "from months to hours", and four figures with their bands. */
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import type { Band, MetricsResponse } from '../../../common/api';
import { formatDate, formatDuration, formatFactor, formatPercent, formatRate, NO_DATA, plural } from '../../lib/format';
import { pathForScope } from '../../lib/scope';
import { headlineSentence } from '../../lib/summary-text';
import { BandBadge } from '../BandBadge';
import { BandBar } from './BandBar';

function Figure({ id, title, value, band, note }: { id: string; title: string; value: string | null; band?: Band | null; note: ReactNode }) {
  return (
    <div className="headline-figure" data-testid={`headline-${id}`}>
      <dt>{title}</dt>
      <dd className="headline-value" data-testid="headline-value">{value ?? NO_DATA}</dd>
      <dd className="headline-note">{band !== undefined && <BandBadge band={band} />} <span className="muted small">{note}</span></dd>
    </div>
  );
}

export function SummaryHeadline({ org }: { org: MetricsResponse }) {
  const { search } = useLocation();
  const { leadTime: lt, deploymentFrequency: df, changeFailureRate: cfr, timeToRestore: ttr, speedup, baseline } = org;
  return (
    <section className="panel summary-headline" aria-labelledby="org-headline-heading" data-testid="summary-headline">
      <div className="headline-story">
        <h2 id="org-headline-heading">Across the organisation</h2>
        {speedup !== null && speedup >= 1.05 && <p className="headline-factor" aria-hidden="true">{formatFactor(speedup)} faster</p>}
        <p className="headline-sentence" data-testid="headline-sentence">{headlineSentence(org)}</p>
        {baseline && (
          <p className="muted small">Baseline: {formatDate(baseline.from)} to {formatDate(baseline.to)}, the first 90 days of data ({plural(baseline.count, 'change')}).</p>
        )}
        <p className="small no-print"><Link to={{ pathname: pathForScope('org'), search }} data-testid="org-link">See the whole organisation in detail</Link></p>
      </div>
      <dl className="headline-figures">
        <Figure id="lead-time" title="Lead time, median" value={lt.p50 === null ? null : formatDuration(lt.p50)} band={lt.band} note={plural(lt.count, 'change')} />
        <Figure id="deployment-frequency" title="Deployments per week" value={df.count > 0 ? formatRate(df.perWeek) : null} band={df.band} note={plural(df.count, 'deployment')} />
        <Figure id="change-failure-rate" title="Change failure rate" value={cfr.rate === null ? null : formatPercent(cfr.rate)} band={cfr.band} note={plural(cfr.failed, 'failed deployment')} />
        <Figure id="time-to-restore" title="Time to restore, median" value={ttr.p50 === null ? null : formatDuration(ttr.p50)} band={ttr.band} note={plural(ttr.count, 'incident')} />
        {org.bands && (
          <div className="headline-figure headline-bands">
            <dt>Services by band</dt>
            <dd><BandBar bands={org.bands} /></dd>
          </div>
        )}
      </dl>
    </section>
  );
}
