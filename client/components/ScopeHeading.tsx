/** Where the page is (breadcrumbs, name, overall band), the range it covers, and what is one level down. */
import { Link, useLocation } from 'react-router';
import type { MetricsResponse, OrgResponse } from '../../common/api';
import type { ScopeLive } from '../hooks/useScopeLive';
import type { DateRange } from '../lib/date-range';
import { formatDate, formatTime } from '../lib/format';
import { breadcrumbs, childScopes, kindLabel, pathForScope, type ScopeRef } from '../lib/scope';
import { BandBadge } from './BandBadge';

const CHILD_HEADINGS = { org: 'Departments', department: 'Teams', team: 'Services', service: '' } as const;

interface Props { scope: ScopeRef; org: OrgResponse; range: DateRange; metrics: MetricsResponse | null; live: ScopeLive }

export function ScopeHeading({ scope, org, range, metrics, live }: Props) {
  const { search } = useLocation();
  const crumbs = breadcrumbs(org, scope.key);
  const children = childScopes(org, scope.key);
  return (
    <div className="scope-heading">
      {crumbs.length > 1 && (
        <nav aria-label="Breadcrumb" className="breadcrumbs">
          <ol>
            {crumbs.map((c, i) => (
              <li key={c.key}>
                {i < crumbs.length - 1
                  ? <Link to={{ pathname: pathForScope(c.key), search }}>{c.label}</Link>
                  : <span aria-current="page">{c.label}</span>}
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div className="title-row">
        <div>
          <p className="kind">{kindLabel(scope.kind)}</p>
          <h1 data-testid="scope-title">{scope.label}</h1>
        </div>
        {metrics && (
          <p className="overall" title="The lowest band among deployment frequency, lead time, change failure rate and time to restore">
            Overall band <BandBadge band={metrics.band} large />
          </p>
        )}
      </div>
      <p className="range-line">
        {formatDate(`${range.from}T00:00:00Z`)} to {range.to ? formatDate(`${range.to}T00:00:00Z`) : 'now'}
        <span className="live-status" aria-live="polite" data-testid="live-status">
          {live.announcement || (live.updatedAt ? `Updated at ${formatTime(live.updatedAt)}` : '')}
        </span>
      </p>
      {children.length > 0 && (
        <nav aria-label={CHILD_HEADINGS[scope.kind]} className="children">
          <h2 className="children-heading">{CHILD_HEADINGS[scope.kind]}</h2>
          <ul>
            {children.map((c) => (
              <li key={c.key}><Link to={{ pathname: pathForScope(c.key), search }} data-testid="child-link">{c.label}</Link></li>
            ))}
          </ul>
        </nav>
      )}
    </div>
  );
}
