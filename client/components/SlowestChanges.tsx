/**
 * The slowest pull requests of the range (a change without one stands alone): each from its
 * first commit to its deployment, with its commit count and links to its service's page, the
 * pull request or commit, and the deployment (with the change request it carried out and the
 * approval wait, where there is one).
 */
import { Link, useLocation } from 'react-router';
import type { ChangeStages, PullRequestChangesResponse } from '../../common/api';
import { approvalCell } from '../lib/stages';
import type { Resource } from '../hooks/useResource';
import { formatDate, formatDuration, plural } from '../lib/format';
import { pathForScope } from '../lib/scope';
import { CsvLink } from './summary/CsvLink';
import { ExternalLink } from './ExternalLink';
import { ScrollTable } from './ScrollTable';
import { EmptyState, ErrorMessage, Loading } from './States';

/** The change request the deployment carried out, and how long the change waited for its approval (or why that is not known). */
function ApprovalNote({ changeRequest, stages }: { changeRequest: string; stages: ChangeStages }) {
  const a = approvalCell(stages);
  return (
    <span className="small block text-cell" data-testid="approval-note">
      {changeRequest}
      {a.wait ? `: waited ${a.wait} for approval` : a.why ? `: approval wait unknown (${a.why})` : ''}
    </span>
  );
}

/**
 * `showService` is off on a service's own page, where the column would repeat its name.
 * `csvUrls`: every pull request of the range, and every commit, slowest first, not only the ones shown.
 */
export function SlowestChanges({
  changes,
  showService,
  csvUrls,
}: {
  changes: Resource<PullRequestChangesResponse>;
  showService: boolean;
  csvUrls: { pullRequests: string; commits: string };
}) {
  const { search } = useLocation();
  const items = changes.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="slowest-heading" data-testid="slowest-changes">
      <div className="panel-title-row">
        <h2 id="slowest-heading">Slowest changes, by pull request</h2>
        <span className="csv-links">
          <CsvLink url={csvUrls.pullRequests} what="every pull request in this range, slowest first" file="pull-requests" />
          <CsvLink url={csvUrls.commits} what="every commit in this range, slowest first" file="changes" label="CSV of commits" />
        </span>
      </div>
      <p className="legend-note">
        A pull request's lead time runs from its first commit to the deployment that shipped its last; a commit without a pull request
        stands alone.
      </p>
      {changes.error ? (
        <ErrorMessage title="Could not load the changes" error={changes.error} onRetry={changes.retry} />
      ) : !changes.data ? (
        <Loading label="Loading the changes…" />
      ) : items.length === 0 ? (
        <EmptyState>No change reached production in this range.</EmptyState>
      ) : (
        <ScrollTable label="Slowest changes">
          <table className="changes-table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Lead time
                </th>
                {showService && <th scope="col">Service</th>}
                <th scope="col">Pull request or commit</th>
                <th scope="col">First commit</th>
                <th scope="col">Deployed</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr
                  key={`${c.service}@${c.pullRequest ? `#${c.pullRequest.number}` : c.sha}`}
                  data-testid="change-row"
                  data-commits={c.commits}
                >
                  <td className="num strong">{formatDuration(c.leadTime)}</td>
                  {showService && (
                    <td className="service-cell">
                      <Link to={{ pathname: pathForScope(`service:${c.service}`), search }} data-testid="service-link">
                        {c.service}
                      </Link>
                    </td>
                  )}
                  <td>
                    {c.pullRequest && (
                      <ExternalLink
                        href={c.pullRequest.url}
                        what="pull request"
                        testId="pr-link"
                      >{`#${c.pullRequest.number}`}</ExternalLink>
                    )}
                    <span className={c.pullRequest ? 'muted small block' : undefined} data-testid="commit-count">
                      {c.pullRequest ? (c.commits === 1 ? '1 commit: ' : `${plural(c.commits, 'commit')}, the latest `) : ''}
                      <code>
                        <ExternalLink href={c.url} what="commit" testId="commit-link">
                          {c.sha.slice(0, 7)}
                        </ExternalLink>
                      </code>
                      {c.pullRequest ? '' : <span className="muted small block">no pull request</span>}
                    </span>
                  </td>
                  <td className="date-cell">{formatDate(c.committedAt)}</td>
                  <td className="deployed-cell">
                    <ExternalLink href={c.deploymentUrl} what="deployment of" testId="deployment-link">
                      {formatDate(c.deployedAt)}
                    </ExternalLink>
                    <span className="muted small block text-cell">{c.deploymentId}</span>
                    {c.changeRequest && c.stages && <ApprovalNote changeRequest={c.changeRequest} stages={c.stages} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </section>
  );
}
