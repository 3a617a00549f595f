/**
 * The retrospective of one loop, for a team lead and the team: the loop against the last on
 * every metric, its plan and act, the changes behind the numbers, and what went wrong.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { OrgResponse } from '../../../common/api';
import { useDateRange } from '../../hooks/useDateRange';
import { addDays, DEFAULT_DAYS } from '../../lib/date-range';
import { useLoopsRetro } from '../../hooks/useLoopsRetro';
import { useScopeLive } from '../../hooks/useScopeLive';
import { loopDates } from '../../lib/loops-chart';
import { loopsPath, retroSearch } from '../../lib/loops-paths';
import { servicesOfScope, type ScopeRef } from '../../lib/scope';
import { EmptyState, ErrorMessage, Loading } from '../States';
import { LoopActSection, PreviousDecision } from './LoopAct';
import { LoopBarsChart } from './LoopBarsChart';
import { LoopBadges } from './LoopBadges';
import { LoopCheck } from './LoopCheck';
import { LoopDo } from './LoopDo';
import { LoopPlan } from './LoopPlan';
import { LoopsHeading } from './LoopsHeading';
import { RetroChanges } from './RetroChanges';
import { RetroFailedDeployments, RetroIncidents } from './RetroFailures';
import { useLoadedAt } from '../../hooks/useLoadedAt';
import '../../styles/dashboard.css';
import '../../styles/loops.css';

export function RetroView({ scope, org }: { scope: ScopeRef; org: OrgResponse }) {
  const { range, today } = useDateRange();
  const [params] = useSearchParams();
  const loopId = params.get('loop');
  const services = useMemo(() => servicesOfScope(org, scope.key), [org, scope.key]);
  const live = useScopeLive(scope.key, services);
  const [own, setOwn] = useState(0);
  const [status, setStatus] = useState('');
  const data = useLoopsRetro(scope.key, loopId, range, today, live.version + own);
  const { loop, previous, loops, one } = data;
  const loadedAt = useLoadedAt(loop);
  const pair = useMemo(() => (loop ? (previous ? [previous, loop] : [loop]) : []), [loop, previous]);
  useEffect(() => {
    document.title = `Retro${loop ? ` of ${loop.name}` : ''} · ${scope.label} · Deming`;
  }, [loop, scope.label]);
  // Back to the loops with a few loops before this one, and at least the default range.
  const backFrom = [addDays(range.from, -56), addDays(today, -DEFAULT_DAYS)].sort()[0];
  const backSearch = `?${new URLSearchParams({ from: backFrom, ...(loopId ? { loop: loopId } : {}) }).toString()}`;

  return (
    <div className="dashboard retro-page" data-testid="retro-page" data-scope={scope.key}>
      <LoopsHeading
        scope={scope}
        org={org}
        range={null}
        view="retro"
        status={status || live.announcement}
        loadedAt={loadedAt}
        title={loop ? <>Retro: {loop.name}</> : 'Retro'}
      />
      <div className="retro-tools">
        <Link to={{ pathname: loopsPath(scope.key), search: backSearch }} data-testid="back-to-loops">
          ← All loops of {scope.label}
        </Link>
        {loop && (
          <button type="button" className="button-secondary print-button" onClick={() => window.print()}>
            Print this retro
          </button>
        )}
      </div>
      {one.error && !data.missing ? (
        <ErrorMessage title="Could not load the loop" error={one.error} onRetry={one.retry} />
      ) : loops.error ? (
        <ErrorMessage title="Could not load the loops" error={loops.error} onRetry={loops.retry} />
      ) : !loop && !loops.data ? (
        <Loading label="Loading the loop…" />
      ) : !loop ? (
        <PickLoop scope={scope} items={loops.data?.items ?? []} missing={data.missing ? loopId : null} />
      ) : (
        // On screen one column (the Act last); printed, the loop on the left and its evidence on the right.
        <div className="retro-body">
          <div className="retro-main">
            <section className="panel retro-summary" aria-labelledby="retro-loop-heading" data-testid="retro-summary">
              <div className="loop-detail-head">
                <div>
                  <h2 id="retro-loop-heading">{loop.name}</h2>
                  <p className="muted" data-testid="retro-dates">
                    {loopDates(loop)}
                    {previous && (
                      <>
                        {' '}
                        · against “{previous.name}” ({loopDates(previous)})
                      </>
                    )}
                  </p>
                </div>
                <LoopBadges loop={loop} />
              </div>
              <PreviousDecision act={loop.previousAct} />
              <div className="pdca">
                <section className="stage-block" aria-labelledby="retro-plan-h" data-testid="retro-plan">
                  <h3 id="retro-plan-h">
                    <span className="stage-letter" aria-hidden="true">
                      P
                    </span>{' '}
                    Plan
                  </h3>
                  <LoopPlan loop={loop} />
                </section>
                <section className="stage-block" aria-labelledby="retro-do-h">
                  <h3 id="retro-do-h">
                    <span className="stage-letter" aria-hidden="true">
                      D
                    </span>{' '}
                    Do
                  </h3>
                  <LoopDo loop={loop} />
                </section>
                <section className="stage-block stage-block-wide" aria-labelledby="retro-check-h">
                  <h3 id="retro-check-h">
                    <span className="stage-letter" aria-hidden="true">
                      C
                    </span>{' '}
                    Check: this loop against the last
                  </h3>
                  <LoopCheck loop={loop} previous={previous} />
                </section>
              </div>
            </section>
            <section className="panel retro-act" aria-labelledby="retro-act-h" data-testid="retro-act">
              <h2 id="retro-act-h">
                <span className="stage-letter" aria-hidden="true">
                  A
                </span>{' '}
                Act: what the team decides
              </h2>
              <LoopActSection
                loop={loop}
                onChanged={(m) => {
                  setStatus(m);
                  setOwn((v) => v + 1);
                }}
              />
            </section>
          </div>
          <div className="retro-evidence">
            <div className="grid-2 charts retro-charts" data-testid="retro-charts">
              <LoopBarsChart metric="leadTime" loops={pair} selected={pair.length - 1} onSelect={noSelect} selectedLabel="this loop" />
              <LoopBarsChart
                metric="deploymentFrequency"
                loops={pair}
                selected={pair.length - 1}
                onSelect={noSelect}
                selectedLabel="this loop"
              />
            </div>
            <RetroChanges changes={data.changes} total={loop.metrics.leadTime.count} showService={scope.kind !== 'service'} />
            <RetroFailedDeployments deployments={data.deployments} />
            <RetroIncidents incidents={data.incidents} />
          </div>
        </div>
      )}
    </div>
  );
}

/** The retro's charts show two loops; there is nothing to pick. */
const noSelect = () => {};

/** No loop named, or the one named is gone: the loops of the range to choose from. */
function PickLoop({
  scope,
  items,
  missing,
}: {
  scope: ScopeRef;
  items: { id: string; name: string; from: string; to: string }[];
  missing: string | null;
}) {
  return (
    <section className="panel" aria-labelledby="pick-heading" data-testid="retro-pick">
      <h2 id="pick-heading">Which loop?</h2>
      {missing && (
        <p>
          There is no loop “{missing}” of {scope.label}: it was deleted, or a planned loop now covers all of its days. Pick one below.
        </p>
      )}
      {items.length === 0 ? (
        <EmptyState>No loop in this range.</EmptyState>
      ) : (
        <ul className="pick-list">
          {[...items].reverse().map((l) => (
            <li key={l.id}>
              <Link to={{ search: retroSearch(l) }}>{l.name}</Link> <span className="muted">{loopDates(l)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
