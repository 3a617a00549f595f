/** A path that is no page, or a scope the organisation does not have. */
import { useEffect, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { shorten } from '../lib/format';
import { kindLabel, parseScopeKey, pathForScope } from '../lib/scope';

export function NotFound({ message }: { message?: ReactNode }) {
  const { search } = useLocation();
  useEffect(() => {
    document.title = 'Page not found · Deming';
  }, []);
  return (
    <section className="not-found" data-testid="not-found">
      <h1>Page not found</h1>
      <p>{message ?? 'There is no page at this address.'}</p>
      <p>
        Go to <Link to={{ pathname: '/', search }}>the executive summary</Link> or{' '}
        <Link to={{ pathname: pathForScope('org'), search }}>the whole organisation</Link>, or pick a department, team or service above.
      </p>
    </section>
  );
}

/**
 * Why a scope's page is not found. The name comes from the address, so it may be of any length
 * and direction: cut short, and isolated (`<bdi>`) so a right-to-left override in it ends with it.
 */
export function UnknownScope({ scopeKey }: { scopeKey: string }) {
  const parsed = parseScopeKey(scopeKey);
  return (
    <>
      This organisation has no {parsed ? kindLabel(parsed.kind).toLowerCase() : 'scope'} “
      <bdi>{shorten(parsed ? parsed.id : scopeKey)}</bdi>”. It may have been renamed, or its events have not arrived yet.
    </>
  );
}
