/**
 * The DORA figures as tiles in DORA's two groups (2024 onward): throughput (change lead time,
 * deployment frequency, failed deployment recovery time) and instability (change fail rate,
 * deployment rework rate), with time to restore beside them. Each tile: value, band in words
 * (or why there is none), the count behind it, and how many services it rests on.
 */
import type { ReactNode } from 'react';
import type { Band, BandReason, Evidence, MetricsResponse } from '../../common/api';
import { formatDuration, formatRate, NO_DATA, plural } from '../lib/format';
import { tileFigures, type TileFigure, type TileId } from '../lib/tile-changes';
import { BandBadge } from './BandBadge';

const NONE: ReadonlySet<TileId> = new Set();

/** How to connect what a figure needs, in one line. */
export const EVIDENCE_HINT: Record<NonNullable<Evidence['reason']>, string> = {
  'no incident source':
    'Connect an incident source, or name the services whose incidents are tracked in the evidence setting of deming.config.yaml.',
  'no rework source': 'It needs an incident source (rework is a deployment made during an incident) or deployments marked as hotfixes.',
};

interface TileProps {
  figure: TileFigure;
  detail?: ReactNode;
  /** `undefined`: the metric has no DORA band. */
  band?: Band | null;
  bandReason?: BandReason;
  /** For the figures that need incidents or rework: what they rest on. */
  evidence?: Evidence;
  /** Live events moved this figure a moment ago. */
  changed: boolean;
}

function Tile({ figure, detail, band, bandReason, evidence, changed }: TileProps) {
  const { id, title, value, unit, count, noun } = figure;
  const missing = evidence?.reason ?? null;
  const hasData = value !== null && missing === null;
  const partial = evidence && evidence.services > 0 && evidence.services < evidence.servicesInScope;
  return (
    <article
      className={`tile${hasData ? '' : ' tile-empty'}${changed ? ' tile-changed' : ''}`}
      data-testid={`tile-${id}`}
      aria-labelledby={`tile-${id}-title`}
      data-reason={missing ?? undefined}
      data-changed={changed || undefined}
    >
      <h3 className="tile-title" id={`tile-${id}-title`}>
        {title}
        {changed && (
          <span className="tile-changed-tag" data-testid="tile-changed">
            {' '}
            updated
          </span>
        )}
      </h3>
      <p className="tile-value" data-testid="tile-value">
        {missing ? (
          <span className="tile-missing">{missing === 'no incident source' ? 'No incident data' : 'No rework data'}</span>
        ) : hasData ? (
          value
        ) : (
          NO_DATA
        )}
        {hasData && unit && <span className="tile-unit"> {unit}</span>}
      </p>
      <p className="tile-detail" data-testid="tile-detail">
        {missing ? EVIDENCE_HINT[missing] : hasData ? detail : 'no data'}
      </p>
      {partial && (
        <p className="tile-evidence small" data-testid="tile-evidence">
          From {evidence.services} of {plural(evidence.servicesInScope, 'service')}: the others report no incidents.
        </p>
      )}
      <div className="tile-foot">
        {band === undefined ? <span className="band-note">No DORA band</span> : <BandBadge band={band} reason={bandReason} />}
        <span className="tile-count" data-testid="tile-count" data-count={count}>
          from {plural(count, noun[0], noun[1])}
        </span>
      </div>
    </article>
  );
}

function Group({ id, title, note, children }: { id: string; title: string; note: string; children: ReactNode }) {
  return (
    <section className={`tile-group tile-group-${id}`} aria-labelledby={`group-${id}`} data-testid={`group-${id}`}>
      <h3 className="tile-group-title" id={`group-${id}`}>
        {title} <span className="muted small">{note}</span>
      </h3>
      <div className="tiles">{children}</div>
    </section>
  );
}

/** `changed`: the tiles live events moved a moment ago, marked for a few seconds. */
export function MetricTiles({ metrics, changed = NONE }: { metrics: MetricsResponse; changed?: ReadonlySet<TileId> }) {
  const {
    deploymentFrequency: df,
    leadTime: lt,
    changeFailureRate: cfr,
    timeToRestore: ttr,
    failedDeploymentRecoveryTime: fdrt,
    reworkRate: rw,
  } = metrics;
  const f = tileFigures(metrics);
  const tile = (id: TileId) => ({ figure: f[id], changed: changed.has(id) });
  return (
    <div className="tile-groups" data-testid="tiles">
      <Group id="throughput" title="Throughput" note="how fast changes reach people">
        <Tile
          {...tile('lead-time')}
          detail={
            <>
              p85 {formatDuration(lt.p85)}
              {lt.excluded > 0 ? ` · ${plural(lt.excluded, 'change')} left out (clock skew)` : ''}
            </>
          }
          band={lt.band}
          bandReason={lt.bandReason}
        />
        <Tile
          {...tile('deployment-frequency')}
          detail={
            <>
              Deploy days per week: {formatRate(df.deployDaysPerWeekMedian)} <abbr title="median">(median)</abbr>
            </>
          }
          band={df.band}
          bandReason={df.bandReason}
        />
        <Tile
          {...tile('failed-deployment-recovery-time')}
          detail="Incidents a deployment caused, by its id or a root-cause commit: opened to resolved"
          band={fdrt.band}
          bandReason={fdrt.bandReason}
          evidence={fdrt}
        />
      </Group>
      <Group id="instability" title="Instability" note="how often changes go wrong">
        <Tile
          {...tile('change-failure-rate')}
          detail={<>{plural(cfr.failed, 'deployment')} caused a failure</>}
          band={cfr.band}
          bandReason={cfr.bandReason}
          evidence={cfr}
        />
        <Tile {...tile('rework-rate')} detail={<>{plural(rw.rework, 'unplanned deployment')}</>} evidence={rw} />
      </Group>
      <Group id="also" title="Also measured" note="DORA's earlier recovery figure">
        <Tile
          {...tile('time-to-restore')}
          detail="Every incident, from opened to resolved"
          band={ttr.band}
          bandReason={ttr.bandReason}
          evidence={ttr}
        />
      </Group>
    </div>
  );
}
