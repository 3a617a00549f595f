/** Where a loops or retro page is: breadcrumbs (to the same view of the parents), the scope, the range, live news. */
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import type { OrgResponse } from '../../../common/api';
import type { DateRange } from '../../lib/date-range';
import { formatDate, formatTime } from '../../lib/format';
import { loopsPath, withoutLoop } from '../../lib/loops-paths';
import { breadcrumbs, kindLabel, type ScopeRef } from '../../lib/scope';
import { ScopeTabs, type ScopeView } from './ScopeTabs';

interface Props {
  scope: ScopeRef;
  org: OrgResponse;
  range: DateRange | null;
  view: ScopeView;
  /** Announced politely: news from the socket, confirmations of what the user did. */
  status: string;
  title?: ReactNode;
  /** Beside the title: the page's main action. */
  action?: ReactNode;
  /** When the page's loops were last read from the server (on open, and after each live change). */
  loadedAt?: string | null;
}

export function LoopsHeading({ scope, org, range, view, status, title, action, loadedAt = null }: Props) {
  const { search } = useLocation();
  const crumbSearch = withoutLoop(search);
  const crumbs = breadcrumbs(org, scope.key);
  return (
    <div className="scope-heading loops-heading">
      {crumbs.length > 1 && (
        <nav aria-label="Breadcrumb" className="breadcrumbs">
          <ol>
            {crumbs.map((c, i) => (
              <li key={c.key}>
                {i < crumbs.length - 1 || view === 'retro' ? (
                  <Link to={{ pathname: loopsPath(c.key), search: crumbSearch }}>{c.label}</Link>
                ) : (
                  <span aria-current="page">{c.label}</span>
                )}
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div className="title-row">
        <div>
          <p className="kind">
            {kindLabel(scope.kind)} · {view === 'retro' ? 'Retrospective' : 'Improvement loops'}
          </p>
          <h1 data-testid="scope-title">{title ?? scope.label}</h1>
        </div>
        {action}
      </div>
      {(range || loadedAt) && (
        <p className="range-line">
          {range && (
            <span data-testid="range-text">
              {formatDate(`${range.from}T00:00:00Z`)} to {range.to ? formatDate(`${range.to}T00:00:00Z`) : 'now'}
            </span>
          )}
          {loadedAt && (
            <span className="updated-at" data-testid="updated-at">
              Updated at <time dateTime={loadedAt}>{formatTime(loadedAt)}</time>
            </span>
          )}
        </p>
      )}
      <p className="loops-status" aria-live="polite" data-testid="loops-status">
        {status}
      </p>
      <ScopeTabs scopeKey={scope.key} current={view} />
    </div>
  );
}
