/** The page of one scope: works out which scope the path names and hands over to the dashboard. */
import { useLocation } from 'react-router';
import { useOrg } from '../hooks/useOrg';
import { describeScope, scopeFromPath } from '../lib/scope';
import { ScopeDashboard } from '../components/ScopeDashboard';
import { ErrorMessage, Loading } from '../components/States';
import { NotFound, UnknownScope } from './NotFound';

export function ScopePage() {
  const { pathname } = useLocation();
  const org = useOrg();
  const key = scopeFromPath(pathname);
  if (key === null) return <NotFound />;
  if (org.error) return <ErrorMessage title="Could not load the organisation" error={org.error} onRetry={org.retry} />;
  if (!org.data) return <Loading label="Loading the organisation…" />;
  const scope = describeScope(org.data, key);
  if (!scope) return <NotFound message={<UnknownScope scopeKey={key} />} />;
  // Keyed by scope: the live feed and the figures start afresh for each scope.
  return <ScopeDashboard key={scope.key} scope={scope} org={org.data} />;
}
