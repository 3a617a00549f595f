/**
 * The scope's latest deployments and incidents, newest first: loaded when the page opens, read
 * again whenever something arrives for its services; what arrived since the page opened is marked new.
 */
import { Link, useLocation } from 'react-router';
import type { LiveFeedData } from '../hooks/useLiveFeed';
import { formatDate, formatTime } from '../lib/format';
import { pathForScope } from '../lib/scope';
import { ExternalLink } from './ExternalLink';
import { ErrorMessage, Loading } from './States';

/** Today's entries say their time; older ones their day. */
const when = (iso: string, today: string) => (iso.slice(0, 10) === today ? formatTime(iso) : formatDate(iso));

export function LiveFeed({ feed, scopeLabel }: { feed: LiveFeedData; scopeLabel: string }) {
  const { search } = useLocation();
  const today = new Date().toISOString().slice(0, 10);
  return (
    <section className="panel" aria-labelledby="feed-heading" data-testid="live-feed">
      <h2 id="feed-heading">Live feed</h2>
      <p className="legend-note">
        The latest deployments and incidents of {scopeLabel}, newest first; new ones appear the moment they arrive.
      </p>
      {feed.error ? (
        <ErrorMessage title="Could not load the latest events" error={feed.error} onRetry={feed.retry} />
      ) : !feed.entries ? (
        <Loading label="Loading the latest events…" />
      ) : feed.entries.length === 0 ? (
        <p className="muted" data-testid="feed-empty">
          No deployment or incident for {scopeLabel} in the last 90 days. They appear here the moment they arrive.
        </p>
      ) : (
        <ol className="feed">
          {feed.entries.map((e) => (
            <li
              key={e.key}
              className={`feed-item feed-${e.kind} feed-status-${e.status}${feed.fresh.has(e.key) ? ' feed-new' : ''}`}
              data-testid="feed-item"
              data-status={e.status}
              data-kind={e.kind}
            >
              <time dateTime={e.at}>{when(e.at, today)}</time>
              <span className="feed-what">
                <span className="feed-mark" aria-hidden="true" />
                <ExternalLink href={e.url} what="" testId="feed-source-link">
                  {e.what}
                </ExternalLink>
                {e.severity && (
                  <span className="feed-severity" data-testid="feed-severity">
                    {e.severity}
                  </span>
                )}
                {feed.fresh.has(e.key) && <span className="feed-new-tag">new</span>}
              </span>
              {e.detail && (
                <span className="feed-detail text-cell" data-testid="feed-detail">
                  {e.detail}
                </span>
              )}
              <Link
                className="feed-service"
                to={{ pathname: pathForScope(`service:${e.service}`), search }}
                data-testid="feed-service-link"
              >
                {e.service}
              </Link>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
