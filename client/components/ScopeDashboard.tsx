/** Everything about one scope in one date range, kept current by the socket. */
import { useEffect, useMemo } from 'react';
import type { MetricsResponse, OrgResponse } from '../../common/api';
import { useDateRange } from '../hooks/useDateRange';
import { useScopeData } from '../hooks/useScopeData';
import { useScopeLive } from '../hooks/useScopeLive';
import { nameInSentence, servicesOfScope, type ScopeRef } from '../lib/scope';
import { BandDistribution } from './BandDistribution';
import { DeploymentsChart } from './DeploymentsChart';
import { LeadTimeChart } from './LeadTimeChart';
import { LiveFeed } from './LiveFeed';
import { MetricTiles } from './MetricTiles';
import { ScopeHeading } from './ScopeHeading';
import { SlowestChanges } from './SlowestChanges';
import { SpeedupPanel } from './SpeedupPanel';
import { StageBreakdown } from './StageBreakdown';
import { EmptyState, ErrorMessage, Loading } from './States';
import '../styles/dashboard.css';

/** Whether a scope had nothing at all in the range. */
const isEmpty = (m: MetricsResponse) => m.deploymentFrequency.count === 0 && m.leadTime.count === 0 && m.timeToRestore.count === 0;

export function ScopeDashboard({ scope, org }: { scope: ScopeRef; org: OrgResponse }) {
  const { range, today } = useDateRange();
  const services = useMemo(() => servicesOfScope(org, scope.key), [org, scope.key]);
  const live = useScopeLive(scope.key, services);
  const { metrics, series, changes } = useScopeData(scope.key, range, today, live.version);
  useEffect(() => { document.title = `${scope.label} · Deming`; }, [scope.label]);
  const m = metrics.data;

  return (
    <div className="dashboard" data-testid="dashboard" data-scope={scope.key}>
      <ScopeHeading scope={scope} org={org} range={range} metrics={m} live={live} />
      {metrics.error ? (
        // The same window feeds every panel: one message says it once.
        <ErrorMessage title="Could not load the figures" error={metrics.error} onRetry={metrics.retry} />
      ) : (
        <>
          <section aria-labelledby="headline-heading" className="section">
            <h2 id="headline-heading" className="visually-hidden">Headline figures</h2>
            {m && isEmpty(m) && (
              <EmptyState>
                Nothing has happened for {nameInSentence(scope)} in this range: no production deployment, deployed change or resolved incident.
                Pick a longer range, or send events to <code>POST /api/v1/events</code>.
              </EmptyState>
            )}
            {m ? <MetricTiles metrics={m} /> : <Loading label="Loading the figures…" />}
          </section>
          {m && (
            <div className={m.bands ? 'grid-2' : 'grid-1'}>
              <SpeedupPanel metrics={m} />
              {m.bands && <BandDistribution bands={m.bands} scopeLabel={nameInSentence(scope)} />}
            </div>
          )}
          <div className="grid-2 charts">
            <LeadTimeChart series={series} />
            <DeploymentsChart series={series} />
          </div>
          {m && <StageBreakdown stages={m.stages} />}
        </>
      )}
      <div className="grid-feed">
        <LiveFeed items={live.feed} scopeLabel={nameInSentence(scope)} />
        {!metrics.error && <SlowestChanges changes={changes} showService={scope.kind !== 'service'} />}
      </div>
    </div>
  );
}
