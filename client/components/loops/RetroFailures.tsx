/** What went wrong in the loop: production deployments that failed or caused an incident, and the incidents with their time to restore. */
import type { DeploymentsResponse, IncidentsResponse } from '../../lib/loops-retro';
import { failedDeployments, incidentRows } from '../../lib/loops-retro';
import type { Resource } from '../../hooks/useResource';
import { formatDate, formatDuration, formatTime, plural } from '../../lib/format';
import { EmptyState, ErrorMessage, Loading } from '../States';
import { ExternalLink } from '../ExternalLink';
import { PrintedRows, PRINT_ROWS } from './RetroChanges';

const when = (iso: string | null) => (iso ? `${formatDate(iso)} ${formatTime(iso)}` : '—');

export function RetroFailedDeployments({ deployments }: { deployments: Resource<DeploymentsResponse> }) {
  const rows = failedDeployments(deployments.data?.items ?? []);
  return (
    <section className="panel retro-section" aria-labelledby="retro-failed-heading" data-testid="retro-failed">
      <h2 id="retro-failed-heading">Failed deployments</h2>
      {deployments.error ? (
        <ErrorMessage title="Could not load the deployments" error={deployments.error} onRetry={deployments.retry} />
      ) : !deployments.data ? (
        <Loading label="Loading the deployments…" />
      ) : rows.length === 0 ? (
        <EmptyState>No production deployment failed or caused an incident in this loop.</EmptyState>
      ) : (
        <div className="table-scroll">
          <p className="muted small">{plural(rows.length, 'production deployment')} failed or caused an incident.</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                <th scope="col">Service</th>
                <th scope="col">Finished</th>
                <th scope="col">Why it counts</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d, i) => (
                <tr key={`${d.source}/${d.id}`} data-testid="retro-failed-row" className={i >= PRINT_ROWS / 2 ? 'print-extra' : undefined}>
                  <td className="text-cell">
                    <ExternalLink href={d.url}>{d.id}</ExternalLink>
                  </td>
                  <td className="service-cell">{d.service}</td>
                  <td className="nowrap">{when(d.finishedAt ?? d.startedAt)}</td>
                  <td>{d.why}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <PrintedRows shown={PRINT_ROWS / 2} total={rows.length} what="failed deployments" />
        </div>
      )}
    </section>
  );
}

export function RetroIncidents({ incidents }: { incidents: Resource<IncidentsResponse> }) {
  const rows = incidentRows(incidents.data?.items ?? []);
  return (
    <section className="panel retro-section" aria-labelledby="retro-incidents-heading" data-testid="retro-incidents">
      <h2 id="retro-incidents-heading">Incidents and their time to restore</h2>
      {incidents.error ? (
        <ErrorMessage title="Could not load the incidents" error={incidents.error} onRetry={incidents.retry} />
      ) : !incidents.data ? (
        <Loading label="Loading the incidents…" />
      ) : rows.length === 0 ? (
        <EmptyState>No incident was open during this loop.</EmptyState>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Incident</th>
                <th scope="col">Service</th>
                <th scope="col">Severity</th>
                <th scope="col">Opened</th>
                <th scope="col" className="num">
                  Time to restore
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((i, n) => (
                <tr
                  key={`${i.source}/${i.id}`}
                  data-testid="retro-incident-row"
                  className={n >= PRINT_ROWS / 2 ? 'print-extra' : undefined}
                >
                  <td className="text-cell">
                    <ExternalLink href={i.url}>{i.title ?? i.id}</ExternalLink>
                  </td>
                  <td className="service-cell">{i.service}</td>
                  <td>{i.severity ?? '—'}</td>
                  <td className="nowrap">{when(i.openedAt)}</td>
                  <td className="num strong">{i.restore === null ? 'still open' : formatDuration(i.restore)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <PrintedRows shown={PRINT_ROWS / 2} total={rows.length} what="incidents" />
        </div>
      )}
    </section>
  );
}
