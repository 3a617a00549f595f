/** The five DORA figures as tiles: value, band in words, and the count behind it. "—" where there is no data. */
import type { ReactNode } from 'react';
import type { Band, MetricsResponse } from '../../common/api';
import { formatDuration, formatPercent, formatRate, NO_DATA, plural } from '../lib/format';
import { BandBadge } from './BandBadge';

interface TileProps {
  id: string;
  title: string;
  /** null when there is no data. */
  value: string | null;
  unit?: string;
  detail?: ReactNode;
  /** `undefined`: the metric has no DORA band. */
  band?: Band | null;
  count: number;
  noun: [string, string];
}

function Tile({ id, title, value, unit, detail, band, count, noun }: TileProps) {
  const hasData = value !== null;
  return (
    <article className={`tile${hasData ? '' : ' tile-empty'}`} data-testid={`tile-${id}`} aria-labelledby={`tile-${id}-title`}>
      <h3 className="tile-title" id={`tile-${id}-title`}>{title}</h3>
      <p className="tile-value" data-testid="tile-value">
        {hasData ? value : NO_DATA}
        {hasData && unit && <span className="tile-unit"> {unit}</span>}
      </p>
      <p className="tile-detail">{hasData ? detail : 'no data'}</p>
      <div className="tile-foot">
        {band === undefined ? <span className="band-note">No DORA band</span> : <BandBadge band={band} />}
        <span className="tile-count" data-testid="tile-count" data-count={count}>from {plural(count, noun[0], noun[1])}</span>
      </div>
    </article>
  );
}

export function MetricTiles({ metrics }: { metrics: MetricsResponse }) {
  const { deploymentFrequency: df, leadTime: lt, changeFailureRate: cfr, timeToRestore: ttr, reworkRate: rw } = metrics;
  const deployments: [string, string] = ['deployment', 'deployments'];
  return (
    <div className="tiles" data-testid="tiles">
      <Tile id="deployment-frequency" title="Deployment frequency" value={df.count > 0 ? formatRate(df.perWeek) : null} unit="per week"
        detail={<>Deploy days per week: {formatRate(df.deployDaysPerWeekMedian)} <abbr title="median">(median)</abbr></>}
        band={df.band} count={df.count} noun={deployments} />
      <Tile id="lead-time" title="Lead time for changes" value={lt.p50 === null ? null : formatDuration(lt.p50)} unit="median"
        detail={<>p85 {formatDuration(lt.p85)}{lt.excluded > 0 ? ` · ${plural(lt.excluded, 'change')} left out (clock skew)` : ''}</>}
        band={lt.band} count={lt.count} noun={['change', 'changes']} />
      <Tile id="change-failure-rate" title="Change failure rate" value={cfr.rate === null ? null : formatPercent(cfr.rate)}
        detail={<>{plural(cfr.failed, 'deployment')} caused a failure</>}
        band={cfr.band} count={cfr.count} noun={deployments} />
      <Tile id="time-to-restore" title="Time to restore" value={ttr.p50 === null ? null : formatDuration(ttr.p50)} unit="median"
        detail="From incident opened to resolved"
        band={ttr.band} count={ttr.count} noun={['incident', 'incidents']} />
      <Tile id="rework-rate" title="Rework rate" value={rw.rate === null ? null : formatPercent(rw.rate)}
        detail={<>{plural(rw.rework, 'unplanned deployment')}</>}
        count={rw.count} noun={deployments} />
    </div>
  );
}
