/** A link out of the dashboard from event data (a commit, pull request, deployment, incident); only http(s) becomes a link. */
import { safeHref } from '../lib/safe-href';

interface Props {
  href: string | null;
  children: string;
  /** Read before the text by screen readers: "commit", "pull request". */
  what?: string;
  testId?: string;
}

export function ExternalLink({ href, children, what, testId }: Props) {
  const safe = safeHref(href);
  if (!safe) return <span>{children}</span>;
  return (
    <a href={safe} rel="noreferrer noopener" target="_blank" data-testid={testId}>
      {what && <span className="visually-hidden">{what} </span>}
      {children}
      <span className="visually-hidden"> (opens in a new tab)</span>
    </a>
  );
}
