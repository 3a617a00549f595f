/** Works out which scope a loops or retro path names, then renders the view for it (or a clear "not found"). */
import type { ReactNode } from 'react';
import { useLocation } from 'react-router';
import type { OrgResponse } from '../../../common/api';
import { useOrg } from '../../hooks/useOrg';
import { parseSectionPath } from '../../lib/loops-paths';
import { describeScope, type ScopeRef } from '../../lib/scope';
import { ErrorMessage, Loading } from '../States';
import { NotFound, UnknownScope } from '../../pages/NotFound';

export function SectionScope({ children }: { children: (scope: ScopeRef, org: OrgResponse) => ReactNode }) {
  const { pathname } = useLocation();
  const org = useOrg();
  const parsed = parseSectionPath(pathname);
  if (parsed === null) return <NotFound />;
  if (org.error) return <ErrorMessage title="Could not load the organisation" error={org.error} onRetry={org.retry} />;
  if (!org.data) return <Loading label="Loading the organisation…" />;
  const scope = describeScope(org.data, parsed.scope);
  if (!scope) return <NotFound message={<UnknownScope scopeKey={parsed.scope} />} />;
  return <>{children(scope, org.data)}</>;
}
