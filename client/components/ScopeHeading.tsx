/** Where the page is (breadcrumbs, name, overall band) and the range it covers, with the live notice. */
import { Link, useLocation } from 'react-router';
import type { MetricsResponse, OrgResponse } from '../../common/api';
import type { ScopeLive } from '../hooks/useScopeLive';
import type { DateRange } from '../lib/date-range';
import { breadcrumbs, kindLabel, pathForScope, type ScopeRef } from '../lib/scope';
import { BandBadge } from './BandBadge';
import { RangeLine } from './summary/RangeLine';

/** `loadedAt` and `news`: see {@link RangeLine}. */
interface Props {
  scope: ScopeRef;
  org: OrgResponse;
  range: DateRange;
  metrics: MetricsResponse | null;
  live: ScopeLive;
  loadedAt: string | null;
  news: string;
}

export function ScopeHeading({ scope, org, range, metrics, live, loadedAt, news }: Props) {
  const { search } = useLocation();
  const crumbs = breadcrumbs(org, scope.key);
  return (
    <div className="scope-heading">
      {crumbs.length > 1 && (
        <nav aria-label="Breadcrumb" className="breadcrumbs">
          <ol>
            {crumbs.map((c, i) => (
              <li key={c.key}>
                {i < crumbs.length - 1 ? (
                  <Link to={{ pathname: pathForScope(c.key), search }} data-testid="breadcrumb-link">
                    {c.label}
                  </Link>
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
          <p className="kind">{kindLabel(scope.kind)}</p>
          <h1 data-testid="scope-title">{scope.label}</h1>
        </div>
        {metrics && (
          <p className="overall" title="The lowest band among deployment frequency, lead time, change failure rate and time to restore">
            Overall band <BandBadge band={metrics.band} large />
          </p>
        )}
      </div>
      <RangeLine range={range} live={live} loadedAt={loadedAt} news={news} />
    </div>
  );
}
