/**
 * The changes of the loop, slowest first, with the time each spent in each PDCA stage; where the
 * deployment carried an approved change request, the approval wait is its own column and Act shows
 * the rest of act, so a row's stages add up to its loop.
 */
import { Fragment } from 'react';
import type { ChangeItem, ChangesResponse } from '../../../common/api';
import type { Resource } from '../../hooks/useResource';
import { formatDate, formatDuration, plural } from '../../lib/format';
import { approvalCell, STAGE_INFO } from '../../lib/stages';
import { EmptyState, ErrorMessage, Loading } from '../States';
import { ExternalLink } from '../ExternalLink';
import { ScrollTable } from '../ScrollTable';

/** How many rows of each retro table go on the printed sheet (the rest stay on screen). */
export const PRINT_ROWS = 6;

/** The note printed under a table cut to {@link PRINT_ROWS}. */
export function PrintedRows({ shown, total, what }: { shown: number; total: number; what: string }) {
  return total > shown ? (
    <p className="print-only muted small">
      The first {shown} of {total} {what}; all of them are on the retro page on screen.
    </p>
  ) : null;
}

const APPROVAL_MEANS = 'Checks passed (or the change request raised, if later) to the change request approved';

/** A change's approval wait (with its change request, or why there is none) and the act that remains. */
function ApprovalThenAct({ change }: { change: ChangeItem }) {
  if (!change.stages) return <td colSpan={2} />;
  const a = approvalCell(change.stages);
  return (
    <>
      <td className="num" data-testid="approval-cell">
        {a.wait ?? (a.why ? <span className="muted">—</span> : '')}
        {change.changeRequest && (
          <span className="muted small block">
            {change.changeRequest}
            {a.why ? `: ${a.why}` : ''}
          </span>
        )}
      </td>
      <td className="num">{formatDuration(a.act)}</td>
    </>
  );
}

export function RetroChanges({ changes, total, showService }: { changes: Resource<ChangesResponse>; total: number; showService: boolean }) {
  const items = changes.data?.items ?? [];
  return (
    <section className="panel retro-section" aria-labelledby="retro-changes-heading" data-testid="retro-changes">
      <h2 id="retro-changes-heading">The changes of this loop, slowest first</h2>
      {changes.error ? (
        <ErrorMessage title="Could not load the changes" error={changes.error} onRetry={changes.retry} />
      ) : !changes.data ? (
        <Loading label="Loading the changes…" />
      ) : items.length === 0 ? (
        <EmptyState>No change reached production in this loop.</EmptyState>
      ) : (
        <>
          <p className="muted small">
            {items.length < total ? `The slowest ${items.length} of ${plural(total, 'change')}.` : `${plural(items.length, 'change')}.`}{' '}
            Stages are shown for changes merged through a pull request. Approval is the time a change waited, after its checks, for the
            approval of the change request its deployment carried out; Act is then the rest.
          </p>
          <ScrollTable label="The changes of this loop">
            <table className="changes-table">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Lead time
                  </th>
                  {showService && <th scope="col">Service</th>}
                  <th scope="col">Commit</th>
                  <th scope="col">Pull request</th>
                  {STAGE_INFO.map((s) =>
                    s.name === 'act' ? (
                      <Fragment key={s.name}>
                        <th scope="col" className="num">
                          <abbr title={APPROVAL_MEANS}>Approval</abbr>
                        </th>
                        <th scope="col" className="num">
                          <abbr title={`${s.means}, less the approval wait where it is shown`}>{s.label}</abbr>
                        </th>
                      </Fragment>
                    ) : (
                      <th key={s.name} scope="col" className="num">
                        <abbr title={s.means}>{s.label}</abbr>
                      </th>
                    ),
                  )}
                  <th scope="col">Deployed</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c, i) => (
                  <tr key={`${c.service}@${c.sha}`} data-testid="retro-change-row" className={i >= PRINT_ROWS ? 'print-extra' : undefined}>
                    <td className="num strong">{formatDuration(c.leadTime)}</td>
                    {showService && <td className="service-cell">{c.service}</td>}
                    <td>
                      <code>
                        <ExternalLink href={c.url}>{c.sha.slice(0, 7)}</ExternalLink>
                      </code>
                    </td>
                    <td>
                      {c.pullRequest ? (
                        <ExternalLink href={c.pullRequest.url}>{`#${c.pullRequest.number}`}</ExternalLink>
                      ) : (
                        <span className="muted">none</span>
                      )}
                    </td>
                    {STAGE_INFO.map((s) =>
                      s.name === 'act' ? (
                        <ApprovalThenAct key={s.name} change={c} />
                      ) : (
                        <td key={s.name} className="num">
                          {c.stages ? formatDuration(c.stages[s.name]) : ''}
                        </td>
                      ),
                    )}
                    <td>
                      <ExternalLink href={c.deploymentUrl}>{formatDate(c.deployedAt)}</ExternalLink>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
          <PrintedRows shown={PRINT_ROWS} total={items.length} what="slowest changes" />
        </>
      )}
    </section>
  );
}
