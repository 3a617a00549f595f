/** A scope's improvement loops: loop-by-loop bars with targets, each loop's plan, check and act, stages, XmR and the audit trail. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { OrgResponse } from '../../../common/api';
import { useDateRange } from '../../hooks/useDateRange';
import { useLoopAudit, useLoops, useLoopsSeries } from '../../hooks/useLoops';
import { useScopeLive } from '../../hooks/useScopeLive';
import { visibleLoops } from '../../lib/loops-chart';
import { selectedLoopIndex } from '../../lib/loops-state';
import { defaultPlanValues } from '../../lib/loops-form';
import { nameInSentence, servicesOfScope, type ScopeRef } from '../../lib/scope';
import { EmptyState, ErrorMessage, Loading } from '../States';
import { XmrChart } from '../xmr/XmrChart';
import { LoopAudit } from './LoopAudit';
import { LoopBarsChart } from './LoopBarsChart';
import { LoopDetail } from './LoopDetail';
import { LoopList } from './LoopList';
import { LoopsHeading } from './LoopsHeading';
import { LoopStagesChart } from './LoopStagesChart';
import { NeedsEditor, useCanEdit } from './NeedsEditor';
import { PlanForm } from './PlanForm';
import { useLoadedAt } from '../../hooks/useLoadedAt';
import '../../styles/dashboard.css';
import '../../styles/loops.css';

export function LoopsView({ scope, org }: { scope: ScopeRef; org: OrgResponse }) {
  const { range, today } = useDateRange();
  const services = useMemo(() => servicesOfScope(org, scope.key), [org, scope.key]);
  const live = useScopeLive(scope.key, services);
  const [own, setOwn] = useState(0);
  const version = live.version + own;
  const loops = useLoops(scope.key, range, today, version);
  const loadedAt = useLoadedAt(loops.data);
  const audit = useLoopAudit(scope.key, version);
  const series = useLoopsSeries(scope.key, range, today, version);
  const [params, setParams] = useSearchParams();
  const [status, setStatus] = useState('');
  const [planning, setPlanning] = useState(false);
  const planHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `Loops · ${scope.label} · Deming`;
  }, [scope.label]);
  useEffect(() => {
    if (planning) planHeading.current?.focus();
  }, [planning]);

  const editable = useCanEdit();
  const planButton = editable ? (
    <button type="button" className="button" onClick={() => setPlanning(true)} data-testid="plan-open">
      Plan a loop
    </button>
  ) : (
    <div className="plan-locked">
      <button type="button" className="button" disabled aria-describedby="plan-needs-editor" data-testid="plan-open">
        Plan a loop
      </button>
      <NeedsEditor what="Planning a loop" id="plan-needs-editor" />
    </div>
  );
  const items = useMemo(() => visibleLoops(loops.data?.items ?? [], Date.now()), [loops.data]);
  const selected = selectedLoopIndex(items, params.get('loop'), Date.now());
  const loop = selected >= 0 ? items[selected] : null;
  const previous = loop && selected > 0 && items[selected - 1].id === loop.check?.previousId ? items[selected - 1] : null;

  // After a plan or a deletion the form or button is gone: focus moves to the loop now shown.
  const pendingFocus = useRef<string | null>(null);
  useEffect(() => {
    if (pendingFocus.current === null || !loop || (pendingFocus.current !== '*' && pendingFocus.current !== loop.id)) return;
    pendingFocus.current = null;
    document.getElementById('loop-detail-heading')?.focus();
  }, [loop]);

  const select = useCallback(
    (index: number) => {
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          next.set('loop', items[index].id);
          return next;
        },
        { preventScrollReset: true },
      );
    },
    [items, setParams],
  );
  const changed = (message: string, loopId?: string | null) => {
    setStatus(message);
    setOwn((v) => v + 1);
    if (loopId !== undefined) {
      pendingFocus.current = loopId || '*';
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          if (loopId) next.set('loop', loopId);
          else next.delete('loop');
          return next;
        },
        { preventScrollReset: true },
      );
    }
  };

  return (
    <div className="dashboard loops-page" data-testid="loops-page" data-scope={scope.key}>
      <LoopsHeading
        scope={scope}
        org={org}
        range={range}
        view="loops"
        status={status || live.announcement}
        loadedAt={loadedAt}
        action={loops.data && !loops.data.derived && !planning ? planButton : undefined}
      />
      {loops.error ? (
        <ErrorMessage title="Could not load the loops" error={loops.error} onRetry={loops.retry} />
      ) : !loops.data ? (
        <Loading label="Loading the loops…" />
      ) : (
        <>
          {loops.data.derived && (
            <div className="cadence-notice" data-testid="cadence-notice">
              <p>
                <strong>No improvement loop is recorded for {nameInSentence(scope)} yet.</strong> These are cadence loops: fixed windows, so
                there is always a loop to compare with the one before. Plan a loop to set a target, test a hypothesis and record what you
                decide.
              </p>
              {!planning && planButton}
            </div>
          )}
          {planning && (
            <section className="panel plan-panel" aria-labelledby="plan-heading">
              <h2 id="plan-heading" tabIndex={-1} ref={planHeading}>
                Plan a loop
              </h2>
              <PlanForm
                scope={scope}
                initial={defaultPlanValues(items, today)}
                onDone={(message, id) => {
                  setPlanning(false);
                  changed(message, id);
                }}
                onCancel={() => setPlanning(false)}
              />
            </section>
          )}
          {items.length === 0 ? (
            <EmptyState>No loop in this range. Pick a longer range, or plan a loop.</EmptyState>
          ) : (
            <>
              <div className="grid-2 charts">
                <LoopBarsChart metric="leadTime" loops={items} selected={selected} onSelect={select} />
                <LoopBarsChart metric="deploymentFrequency" loops={items} selected={selected} onSelect={select} />
              </div>
              <div className="loops-main">
                <LoopList loops={items} selected={selected} />
                {loop && (
                  <LoopDetail
                    key={loop.id}
                    loop={loop}
                    previous={previous}
                    onChanged={(m) => changed(m)}
                    onDeleted={(m) => changed(m, null)}
                  />
                )}
              </div>
            </>
          )}
        </>
      )}
      <XmrChart series={series} />
      <div className="grid-2">
        {items.length > 0 && <LoopStagesChart loops={items} />}
        <LoopAudit audit={audit} />
      </div>
    </div>
  );
}
