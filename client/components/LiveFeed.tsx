/** What arrived over the socket for this scope, newest first. */
import { Link, useLocation } from 'react-router';
import { describeCount, type FeedItem } from '../lib/live-feed';
import { formatTime } from '../lib/format';
import { pathForScope } from '../lib/scope';

export function LiveFeed({ items, scopeLabel }: { items: FeedItem[]; scopeLabel: string }) {
  const { search } = useLocation();
  return (
    <section className="panel" aria-labelledby="feed-heading" data-testid="live-feed">
      <h2 id="feed-heading">Live feed</h2>
      {items.length === 0 ? (
        <p className="muted" data-testid="feed-empty">
          Waiting for events. Deployments, changes, CI runs and incidents for {scopeLabel} appear here the moment they arrive.
        </p>
      ) : (
        <ol className="feed">
          {items.map((item) => (
            <li key={item.id} className={`feed-item feed-${item.type}`} data-testid="feed-item">
              <time dateTime={item.at}>{formatTime(item.at)}</time>
              <span className="feed-what">{describeCount(item.type, item.n)}</span>
              <Link className="feed-service" to={{ pathname: pathForScope(`service:${item.service}`), search }}>{item.service}</Link>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
