/**
 * The DORA figures as tiles in DORA's two groups (2024 onward): throughput (change lead time,
 * deployment frequency, failed deployment recovery time) and instability (change fail rate,
 * deployment rework rate), with time to restore beside them. Each tile: value, band in words
 * (or why there is none), the count behind it, and how many services it rests on.
 */
import type { ReactNode } from 'react';
import type { Band, BandReason, Evidence, MetricsResponse } from '../../common/api';
import { formatDuration, formatPercent, formatRate, NO_DATA, plural } from '../lib/format';
import { BandBadge } from './BandBadge';

/** How to connect what a figure needs, in one line. */
export const EVIDENCE_HINT: Record<NonNullable<Evidence['reason']>, string> = {
  'no incident source': 'Connect an incident source, or name the services whose incidents are tracked in the evidence setting of deming.config.yaml.',
  'no rework source': 'It needs an incident source (rework is a deployment made during an incident) or deployments marked as hotfixes.',
};

interface TileProps {
  id: string;
  title: string;
  /** null when there is no data. */
  value: string | null;
  unit?: string;
  detail?: ReactNode;
  /** `undefined`: the metric has no DORA band. */
  band?: Band | null;
  bandReason?: BandReason;
  count: number;
  noun: [string, string];
  /** For the figures that need incidents or rework: what they rest on. */
  evidence?: Evidence;
}

function Tile({ id, title, value, unit, detail, band, bandReason, count, noun, evidence }: TileProps) {
  const missing = evidence?.reason ?? null;
  const hasData = value !== null && missing === null;
  const partial = evidence && evidence.services > 0 && evidence.services < evidence.servicesInScope;
  return (
    <article className={`tile${hasData ? '' : ' tile-empty'}`} data-testid={`tile-${id}`} aria-labelledby={`tile-${id}-title`} data-reason={missing ?? undefined}>
      <h3 className="tile-title" id={`tile-${id}-title`}>{title}</h3>
      <p className="tile-value" data-testid="tile-value">
        {missing ? <span className="tile-missing">{missing === 'no incident source' ? 'No incident data' : 'No rework data'}</span> : hasData ? value : NO_DATA}
        {hasData && unit && <span className="tile-unit"> {unit}</span>}
      </p>
      <p className="tile-detail" data-testid="tile-detail">{missing ? EVIDENCE_HINT[missing] : hasData ? detail : 'no data'}</p>
      {partial && <p className="tile-evidence small" data-testid="tile-evidence">From {evidence.services} of {plural(evidence.servicesInScope, 'service')}: the others report no incidents.</p>}
      <div className="tile-foot">
        {band === undefined ? <span className="band-note">No DORA band</span> : <BandBadge band={band} reason={bandReason} />}
        <span className="tile-count" data-testid="tile-count" data-count={count}>from {plural(count, noun[0], noun[1])}</span>
      </div>
    </article>
  );
}

function Group({ id, title, note, children }: { id: string; title: string; note: string; children: ReactNode }) {
  return (
    <section className={`tile-group tile-group-${id}`} aria-labelledby={`group-${id}`} data-testid={`group-${id}`}>
      <h3 className="tile-group-title" id={`group-${id}`}>{title} <span className="muted small">{note}</span></h3>
      <div className="tiles">{children}</div>
    </section>
  );
}

export function MetricTiles({ metrics }: { metrics: MetricsResponse }) {
  const { deploymentFrequency: df, leadTime: lt, changeFailureRate: cfr, timeToRestore: ttr, failedDeploymentRecoveryTime: fdrt, reworkRate: rw } = metrics;
  const deployments: [string, string] = ['deployment', 'deployments'];
  const incidents: [string, string] = ['incident', 'incidents'];
  return (
    <div className="tile-groups" data-testid="tiles">
      <Group id="throughput" title="Throughput" note="how fast changes reach people">
        <Tile id="lead-time" title="Change lead time" value={lt.p50 === null ? null : formatDuration(lt.p50)} unit="median"
          detail={<>p85 {formatDuration(lt.p85)}{lt.excluded > 0 ? ` · ${plural(lt.excluded, 'change')} left out (clock skew)` : ''}</>}
          band={lt.band} bandReason={lt.bandReason} count={lt.count} noun={['change', 'changes']} />
        <Tile id="deployment-frequency" title="Deployment frequency" value={df.count > 0 ? formatRate(df.perWeek) : null} unit="per week"
          detail={<>Deploy days per week: {formatRate(df.deployDaysPerWeekMedian)} <abbr title="median">(median)</abbr></>}
          band={df.band} bandReason={df.bandReason} count={df.count} noun={deployments} />
        <Tile id="failed-deployment-recovery-time" title="Failed deployment recovery time" value={fdrt.p50 === null ? null : formatDuration(fdrt.p50)} unit="median"
          detail="Incidents a deployment caused, by its id or a root-cause commit: opened to resolved"
          band={fdrt.band} bandReason={fdrt.bandReason} count={fdrt.count} noun={incidents} evidence={fdrt} />
      </Group>
      <Group id="instability" title="Instability" note="how often changes go wrong">
        <Tile id="change-failure-rate" title="Change fail rate" value={cfr.rate === null ? null : formatPercent(cfr.rate)}
          detail={<>{plural(cfr.failed, 'deployment')} caused a failure</>}
          band={cfr.band} bandReason={cfr.bandReason} count={cfr.count} noun={deployments} evidence={cfr} />
        <Tile id="rework-rate" title="Deployment rework rate" value={rw.rate === null ? null : formatPercent(rw.rate)}
          detail={<>{plural(rw.rework, 'unplanned deployment')}</>}
          count={rw.count} noun={deployments} evidence={rw} />
      </Group>
      <Group id="also" title="Also measured" note="DORA's earlier recovery figure">
        <Tile id="time-to-restore" title="Time to restore" value={ttr.p50 === null ? null : formatDuration(ttr.p50)} unit="median"
          detail="Every incident, from opened to resolved"
          band={ttr.band} bandReason={ttr.bandReason} count={ttr.count} noun={incidents} evidence={ttr} />
      </Group>
    </div>
  );
}
