/** Who planned, changed, acted on or deleted the scope's loops, and when: newest first. */
import type { Resource } from '../../hooks/useResource';
import type { LoopAuditResponse } from '../../hooks/useLoops';
import { formatDate, formatTime } from '../../lib/format';
import { auditChanges, auditSentence } from '../../lib/loops-audit';
import { EmptyState, ErrorMessage, Loading } from '../States';

export function LoopAudit({ audit }: { audit: Resource<LoopAuditResponse> }) {
  const items = audit.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="audit-heading" data-testid="loop-audit">
      <h2 id="audit-heading">Audit trail</h2>
      {audit.error ? (
        <ErrorMessage title="Could not load the audit trail" error={audit.error} onRetry={audit.retry} />
      ) : !audit.data ? (
        <Loading label="Loading the audit trail…" />
      ) : items.length === 0 ? (
        <EmptyState>Nobody has planned a loop here yet.</EmptyState>
      ) : (
        <div className="table-scroll audit-scroll" tabIndex={0} role="region" aria-label="Audit trail entries (scrolls)">
          <table className="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who did what</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a, i) => (
                <tr key={`${a.loopId}-${a.at}-${i}`} data-testid="audit-row" data-action={a.action}>
                  <td className="nowrap">
                    <time dateTime={a.at}>
                      {formatDate(a.at)} {formatTime(a.at)}
                    </time>
                  </td>
                  <td className="text-cell">{auditSentence(a)}</td>
                  <td className="text-cell">{auditChanges(a).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
