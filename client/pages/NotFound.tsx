/** A path that is no page, or a scope the organisation does not have. */
import { Link, useLocation } from 'react-router';

export function NotFound({ message }: { message?: string }) {
  const { search } = useLocation();
  return (
    <section className="not-found" data-testid="not-found">
      <h1>Page not found</h1>
      <p>{message ?? 'There is no page at this address.'}</p>
      <p><Link to={{ pathname: '/', search }}>See the whole organisation</Link>, or pick a department, team or service above.</p>
    </section>
  );
}
