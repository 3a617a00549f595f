/** The slowest changes of the range, with links to the commit, pull request and deployment behind each. */
import type { ChangesResponse } from '../../common/api';
import type { Resource } from '../hooks/useResource';
import { formatDate, formatDuration } from '../lib/format';
import { CsvLink } from './summary/CsvLink';
import { ExternalLink } from './ExternalLink';
import { EmptyState, ErrorMessage, Loading } from './States';

/**
 * `showService` is off on a service's own page, where the column would repeat its name.
 * `csvUrl` lists every change of the range, slowest first, not only the ones shown.
 */
export function SlowestChanges({ changes, showService, csvUrl }: { changes: Resource<ChangesResponse>; showService: boolean; csvUrl: string }) {
  const items = changes.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="slowest-heading" data-testid="slowest-changes">
      <div className="panel-title-row">
        <h2 id="slowest-heading">Slowest changes</h2>
        <CsvLink url={csvUrl} what="every change in this range, slowest first" file="changes" />
      </div>
      {changes.error ? <ErrorMessage title="Could not load the changes" error={changes.error} onRetry={changes.retry} />
        : !changes.data ? <Loading label="Loading the changes…" />
        : items.length === 0 ? <EmptyState>No change reached production in this range.</EmptyState>
        : (
          <div className="table-scroll">
            <table className="changes-table">
              <thead>
                <tr>
                  <th scope="col" className="num">Lead time</th>
                  {showService && <th scope="col">Service</th>}
                  <th scope="col">Commit</th>
                  <th scope="col">Pull request</th>
                  <th scope="col">Deployed</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={`${c.service}@${c.sha}`} data-testid="change-row">
                    <td className="num strong">{formatDuration(c.leadTime)}</td>
                    {showService && <td className="service-cell">{c.service}</td>}
                    <td><code><ExternalLink href={c.url} what="commit" testId="commit-link">{c.sha.slice(0, 7)}</ExternalLink></code></td>
                    <td>{c.pullRequest ? <ExternalLink href={c.pullRequest.url} what="pull request" testId="pr-link">{`#${c.pullRequest.number}`}</ExternalLink> : <span className="muted">none</span>}</td>
                    <td className="deployed-cell">
                      <ExternalLink href={c.deploymentUrl} what="deployment of" testId="deployment-link">{formatDate(c.deployedAt)}</ExternalLink>
                      <span className="muted small block text-cell">{c.deploymentId}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  );
}
