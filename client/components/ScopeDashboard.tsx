/** Everything about one scope in one date range, kept current by the socket: the delivery manager's drill-down. */
import { useEffect, useMemo } from 'react';
import type { MetricsResponse, OrgResponse } from '../../common/api';
import { useDateRange } from '../hooks/useDateRange';
import { useScopeData } from '../hooks/useScopeData';
import { useChangedTiles } from '../hooks/useChangedTiles';
import { useLiveFeed } from '../hooks/useLiveFeed';
import { useLoadedAt } from '../hooks/useLoadedAt';
import { useScopeLive } from '../hooks/useScopeLive';
import { apiUrl } from '../lib/api-client';
import { apiWindow, rangeEndingOn } from '../lib/date-range';
import { formatDate } from '../lib/format';
import { BenchmarkPanel } from './benchmark/BenchmarkPanel';
import { nameInSentence, servicesOfScope, type ScopeRef } from '../lib/scope';
import { BandDistribution } from './BandDistribution';
import { DeploymentsChart } from './DeploymentsChart';
import { LeadTimeChart } from './LeadTimeChart';
import { LiveFeed } from './LiveFeed';
import { MetricTiles } from './MetricTiles';
import { ScopeHeading } from './ScopeHeading';
import { ScopeTabs } from './loops/ScopeTabs';
import { SlowestChanges } from './SlowestChanges';
import { SpeedupPanel } from './SpeedupPanel';
import { BackfillNotice } from './BackfillNotice';
import { StageBreakdown } from './StageBreakdown';
import { EmptyState, ErrorMessage, Loading } from './States';
import { ChildrenTable } from './drilldown/ChildrenTable';
import { FailureRateChart } from './drilldown/FailureRateChart';
import { RestoreTimeChart } from './drilldown/RestoreTimeChart';
import { CsvLink } from './summary/CsvLink';
import '../styles/dashboard.css';
import '../styles/summary.css';

/** Whether a scope had nothing at all in the range. */
const isEmpty = (m: MetricsResponse) => m.deploymentFrequency.count === 0 && m.leadTime.count === 0 && m.timeToRestore.count === 0;

export function ScopeDashboard({ scope, org }: { scope: ScopeRef; org: OrgResponse }) {
  const { range, today, setRange } = useDateRange();
  const services = useMemo(() => servicesOfScope(org, scope.key), [org, scope.key]);
  const live = useScopeLive(scope.key, services);
  const { metrics, series, changes, children, urls } = useScopeData(scope.key, range, today, live.version);
  const feed = useLiveFeed(scope.key, live);
  const tiles = useChangedTiles(urls.metrics, metrics.data);
  const loadedAt = useLoadedAt(metrics.data);
  useEffect(() => {
    document.title = `${scope.label} · Deming`;
  }, [scope.label]);
  const m = metrics.data;
  const allChanges = apiUrl('/api/v1/changes', { scope: scope.key, ...apiWindow(range), sort: 'slowest', limit: 5000 });
  const allPullRequests = apiUrl('/api/v1/changes', {
    scope: scope.key,
    ...apiWindow(range),
    sort: 'slowest',
    groupBy: 'pullRequest',
    limit: 5000,
  });

  return (
    <div className="dashboard" data-testid="dashboard" data-scope={scope.key}>
      <ScopeHeading scope={scope} org={org} range={range} metrics={m} live={live} loadedAt={loadedAt} news={tiles.announcement} />
      <ScopeTabs scopeKey={scope.key} current="dashboard" />
      {metrics.error ? (
        // The same window feeds every panel: one message says it once.
        <ErrorMessage title="Could not load the figures" error={metrics.error} onRetry={metrics.retry} />
      ) : (
        <>
          <section aria-labelledby="headline-heading" className="section">
            <div className="panel-title-row">
              <h2 id="headline-heading" className="visually-hidden">
                Headline figures
              </h2>
              {m && <CsvLink url={urls.metrics} what="the headline figures" file="metrics" />}
            </div>
            {m?.backfill && <BackfillNotice backfill={m.backfill} />}
            {m &&
              isEmpty(m) &&
              (m.lastDataAt ? (
                <EmptyState testId="empty-range">
                  Nothing for {nameInSentence(scope)} in this range: its last data is from {formatDate(m.lastDataAt)}.{' '}
                  <button
                    type="button"
                    className="button-secondary"
                    data-testid="show-last-data"
                    onClick={() => setRange(rangeEndingOn(m.lastDataAt!.slice(0, 10), today))}
                  >
                    Show the 90 days to {formatDate(m.lastDataAt)}
                  </button>
                </EmptyState>
              ) : (
                <EmptyState>
                  No deployments yet for {nameInSentence(scope)} in this range: no production deployment, deployed change or resolved
                  incident. Pick a longer range, configure a source, or send events to <code>POST /api/v1/events</code>.
                </EmptyState>
              ))}
            {m ? <MetricTiles metrics={m} changed={tiles.changed} /> : <Loading label="Loading the figures…" />}
          </section>
          {scope.kind !== 'service' && (
            <ChildrenTable kind={scope.kind} scopeName={nameInSentence(scope)} children={children} url={urls.children} />
          )}
          {m && (
            <div className={m.bands ? 'grid-2' : 'grid-1'}>
              <SpeedupPanel metrics={m} />
              {m.bands && <BandDistribution bands={m.bands} scopeLabel={nameInSentence(scope)} csvUrl={urls.metrics} />}
            </div>
          )}
          {m && <BenchmarkPanel benchmark={m.benchmark} scopeName={nameInSentence(scope)} />}
          <div className="grid-2 charts">
            <LeadTimeChart series={series} url={urls.series} />
            <DeploymentsChart series={series} url={urls.series} />
            <FailureRateChart series={series} url={urls.series} />
            <RestoreTimeChart series={series} url={urls.series} />
          </div>
          {m && <StageBreakdown stages={m.stages} csvUrl={urls.metrics} />}
        </>
      )}
      <div className="grid-feed">
        <LiveFeed feed={feed} scopeLabel={nameInSentence(scope)} />
        {!metrics.error && (
          <SlowestChanges
            changes={changes}
            showService={scope.kind !== 'service'}
            csvUrls={{ pullRequests: allPullRequests, commits: allChanges }}
          />
        )}
      </div>
    </div>
  );
}
