/** The dark top bar of every page, the login page included: the product name, then what the page adds. */
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';

/** `keepRange` carries the page's query (its date range) to the summary; the login page's query is no range. */
export function Masthead({ children, keepRange = true }: { children?: ReactNode; keepRange?: boolean }) {
  const { search } = useLocation();
  return (
    <div className="container header-top">
      <Link to={{ pathname: '/', search: keepRange ? search : '' }} className="brand" aria-label="Deming, executive summary">
        Deming
      </Link>
      <span className="tagline">Delivery performance, one loop at a time</span>
      {children}
    </div>
  );
}
