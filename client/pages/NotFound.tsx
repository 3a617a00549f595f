/** A path that is no page, or a scope the organisation does not have. */
import { useEffect } from 'react';
import { Link, useLocation } from 'react-router';
import { pathForScope } from '../lib/scope';

export function NotFound({ message }: { message?: string }) {
  const { search } = useLocation();
  useEffect(() => { document.title = 'Page not found · Deming'; }, []);
  return (
    <section className="not-found" data-testid="not-found">
      <h1>Page not found</h1>
      <p>{message ?? 'There is no page at this address.'}</p>
      <p>
        Go to <Link to={{ pathname: '/', search }}>the executive summary</Link> or <Link to={{ pathname: pathForScope('org'), search }}>the whole organisation</Link>,
        or pick a department, team or service above.
      </p>
    </section>
  );
}
