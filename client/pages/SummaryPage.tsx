/**
 * The home page, for executives: the organisation's headline, then one row per department
 * with its figures, its speed-up since the baseline, a twelve-month trend and its bands.
 */
import { useEffect, useMemo } from 'react';
import { Link, useLocation } from 'react-router';
import type { SummaryResponse } from '../../common/api';
import { useDateRange } from '../hooks/useDateRange';
import { useOrg } from '../hooks/useOrg';
import { useChangedTiles } from '../hooks/useChangedTiles';
import { useLoadedAt } from '../hooks/useLoadedAt';
import { useScopeLive } from '../hooks/useScopeLive';
import { useSummary } from '../hooks/useSummary';
import { pathForScope, servicesOfScope } from '../lib/scope';
import { CsvLink } from '../components/summary/CsvLink';
import { RangeLine } from '../components/summary/RangeLine';
import { SummaryHeadline } from '../components/summary/SummaryHeadline';
import { SummaryTable } from '../components/summary/SummaryTable';
import { TrendTable } from '../components/summary/TrendTable';
import { BaselineTrend } from '../components/summary/BaselineTrend';
import { formatDate } from '../lib/format';
import { headlineFigures, type TileId } from '../lib/tile-changes';
import { EmptyState, ErrorMessage, Loading } from '../components/States';
import '../styles/dashboard.css';
import '../styles/summary.css';

const NO_SERVICES = new Set<string>();

export function SummaryPage() {
  const { range } = useDateRange();
  const org = useOrg();
  const services = useMemo(() => (org.data ? servicesOfScope(org.data, 'org') : NO_SERVICES), [org.data]);
  const live = useScopeLive('org', services);
  const { url, summary } = useSummary(range, live.version);
  const loadedAt = useLoadedAt(summary.data);
  const figures = useChangedTiles(url, summary.data?.org ?? null, headlineFigures);
  useEffect(() => {
    document.title = 'Executive summary · Deming';
  }, []);

  return (
    <div className="summary" data-testid="summary">
      <div className="scope-heading">
        <p className="kind">All departments</p>
        <h1 data-testid="page-title">Executive summary</h1>
        <RangeLine range={range} live={live} loadedAt={loadedAt} news={figures.announcement} />
      </div>
      {summary.error ? (
        <ErrorMessage title="Could not load the summary" error={summary.error} onRetry={summary.retry} />
      ) : !summary.data ? (
        <Loading label="Loading the summary…" />
      ) : (
        <SummaryBody data={summary.data} url={url} changed={figures.changed} />
      )}
    </div>
  );
}

function SummaryBody({ data, url, changed }: { data: SummaryResponse; url: string; changed: ReadonlySet<TileId> }) {
  const { search } = useLocation();
  if (data.departments.length === 0) {
    return (
      <EmptyState>
        No deployments yet: configure a source in <code>deming.config.yaml</code> or send events to <code>POST /api/v1/events</code>, and
        each department's figures appear here.
      </EmptyState>
    );
  }
  const quiet = data.org.deploymentFrequency.count === 0 && data.org.leadTime.count === 0;
  const last = data.org.lastDataAt;
  return (
    <>
      {quiet && (
        <EmptyState>
          No deployment or deployed change in this range{last ? `: the last data is from ${formatDate(last)}` : ''}. Pick a longer range
          above, or send events to <code>POST /api/v1/events</code>.
        </EmptyState>
      )}
      <SummaryHeadline org={data.org} changed={changed} />
      <section className="panel" aria-labelledby="departments-heading" data-testid="departments">
        <div className="panel-title-row">
          <h2 id="departments-heading">Departments</h2>
          <CsvLink url={url} what="the departments' figures" file="departments" />
        </div>
        <SummaryTable rows={data.departments} />
        <TrendTable rows={data.departments} />
        <p className="muted small summary-notes">
          Figures are pooled over each department's services, never averaged; medians are p50. Lead time and the speed-up are of the last 90
          days, whatever the range. Change fail rate and recovery count only the services that report incidents. Bands follow DORA 2023:
          elite, high, medium, low, given only on enough evidence.
          <span data-testid="benchmark-note">
            {' '}
            Against government: each department's figures of the last 90 days placed among the survey answers, not measurements, that people
            in government gave DORA's Quick Check ({data.org.benchmark.edition} edition, dora.dev, Apache-2.0), as the share of those
            answers it is ahead of.{' '}
          </span>
          The 12-month line is drawn on a logarithmic scale, higher meaning slower; the dot is the latest month.
          <span className="no-print">
            {' '}
            For teams and services, open a department or <Link to={{ pathname: pathForScope('org'), search }}>the whole organisation</Link>.
          </span>
        </p>
      </section>
      <BaselineTrend rows={data.departments} />
    </>
  );
}
