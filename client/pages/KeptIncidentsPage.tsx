/**
 * `/incidents`: the incidents a source (PagerDuty, Alertmanager) told that count for no figure,
 * so none is silently lost: those no rule maps to a service yet, with the field and value a rule
 * would map them by, and those skipped (below the threshold, cancelled, a duplicate, resolved
 * before they opened), with the reason.
 */
import { useEffect } from 'react';
import { apiUrl, csvUrl } from '../lib/api-client';
import { formatDate, shorten } from '../lib/format';
import { safeHref } from '../lib/safe-href';
import { useResource } from '../hooks/useResource';
import { EmptyState, ErrorMessage, Loading } from '../components/States';
import type { KeptIncidentItem, KeptIncidentsResponse } from '../../common/kept-incidents';
import '../styles/dashboard.css';
import '../styles/kept-incidents.css';

const total = (r: KeptIncidentsResponse) => Object.values(r.counts).reduce((a, b) => a + b, 0);

function Rows({ items, kind }: { items: KeptIncidentItem[]; kind: 'unmapped' | 'skipped' }) {
  return (
    <div className="table-scroll" tabIndex={0}>
      <table className="kept-incidents-table" data-testid={`kept-${kind}`}>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Incident</th>
            <th scope="col">Opened</th>
            <th scope="col">Severity</th>
            <th scope="col">{kind === 'unmapped' ? 'Would map by' : 'Why it does not count'}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => {
            const href = safeHref(i.url);
            return (
              <tr key={`${i.source} ${i.id}`}>
                <td data-label="Source">
                  {i.source}
                  {i.configured ? '' : <span className="muted small block">no longer configured</span>}
                </td>
                <td className="text-cell" data-label="Incident">
                  {href ? (
                    <a href={href} rel="noreferrer noopener" target="_blank">
                      <bdi>{shorten(i.id, 60)}</bdi>
                    </a>
                  ) : (
                    <bdi>{shorten(i.id, 60)}</bdi>
                  )}
                  {i.title && (
                    <span className="muted small block">
                      <bdi>{shorten(i.title, 100)}</bdi>
                    </span>
                  )}
                  {i.resolvedAt === null && <span className="muted small block">still open</span>}
                </td>
                <td className="date-cell" data-label="Opened">
                  {formatDate(i.openedAt)}
                </td>
                <td data-label="Severity">
                  {i.severity ?? '—'}
                  {i.sourceSeverity && (
                    <span className="muted small block">
                      {i.source}: <bdi>{shorten(i.sourceSeverity, 30)}</bdi>
                    </span>
                  )}
                </td>
                <td className="text-cell" data-label={kind === 'unmapped' ? 'Would map by' : 'Why'}>
                  {kind === 'unmapped' ? (
                    <>
                      <code>{i.mapBy.field}</code> ={' '}
                      <code>
                        <bdi>{i.mapBy.value === null ? '(none)' : shorten(i.mapBy.value, 80)}</bdi>
                      </code>
                      <span className="muted small block">add a rule to incidents.{i.source}.services</span>
                    </>
                  ) : (
                    <>
                      {i.service && (
                        <span className="block">
                          <bdi>{i.service}</bdi>
                        </span>
                      )}
                      <span className="muted small block">
                        <bdi>{shorten(i.reason, 200)}</bdi>
                      </span>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Section({ kind, title, note }: { kind: 'unmapped' | 'skipped'; title: string; note: string }) {
  const url = apiUrl(`/api/v1/incidents/${kind}`, { limit: 500 });
  const r = useResource<KeptIncidentsResponse>(url);
  return (
    <section className="panel" aria-labelledby={`kept-${kind}-heading`}>
      <div className="panel-title-row">
        <h2 id={`kept-${kind}-heading`}>{title}</h2>
        <span className="csv-links">
          <a href={csvUrl(url)} download={`incidents-${kind}.csv`}>
            Download CSV
          </a>
        </span>
      </div>
      <p className="legend-note">{note}</p>
      {r.error ? (
        <ErrorMessage title={`The ${kind} incidents could not be loaded`} error={r.error} onRetry={r.retry} />
      ) : !r.data ? (
        <Loading label={`Loading the ${kind} incidents…`} />
      ) : r.data.items.length === 0 ? (
        <EmptyState testId={`kept-${kind}-empty`}>
          None: every incident the sources told {kind === 'unmapped' ? 'maps to a service' : 'counts'}.
        </EmptyState>
      ) : (
        <>
          <p className="small" data-testid={`kept-${kind}-count`}>
            {total(r.data).toLocaleString('en')} {total(r.data) === 1 ? 'incident' : 'incidents'}
            {r.data.items.length < total(r.data) ? `, the newest ${r.data.items.length} shown` : ''}
          </p>
          <Rows items={r.data.items} kind={kind} />
        </>
      )}
    </section>
  );
}

export function KeptIncidentsPage() {
  useEffect(() => {
    document.title = 'Incidents kept aside · Deming';
  }, []);
  return (
    <div className="container kept-page">
      <h1>Incidents kept aside</h1>
      <p>
        Incidents from PagerDuty and Alertmanager that count toward no figure. Nothing a source tells is lost: add a mapping and restart
        Deming, and an unmapped incident moves to its service.
      </p>
      <Section
        kind="unmapped"
        title="Not mapped to a service"
        note="No rule of the source's services in the configuration matches these incidents. The field and value shown would map one."
      />
      <Section
        kind="skipped"
        title="Not counted"
        note="Below the severity threshold (sev1 to sev3 count by default), cancelled, merged into another incident, or resolved before they opened."
      />
    </div>
  );
}
