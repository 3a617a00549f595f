/** The views of one scope: its dashboard, and its improvement loops with the process behaviour chart. */
import { Link, useLocation } from 'react-router';
import { loopsPath, withoutLoop } from '../../lib/loops-paths';
import { pathForScope } from '../../lib/scope';

export type ScopeView = 'dashboard' | 'loops' | 'retro';

/** Links, not ARIA tabs: each view is its own page with its own address. The range goes along. */
export function ScopeTabs({ scopeKey, current }: { scopeKey: string; current: ScopeView }) {
  const { search } = useLocation();
  const range = withoutLoop(search);
  const tabs: { view: ScopeView; label: string; to: string }[] = [
    { view: 'dashboard', label: 'Dashboard', to: pathForScope(scopeKey) },
    { view: 'loops', label: 'Improvement loops (PDCA)', to: loopsPath(scopeKey) },
  ];
  return (
    <nav className="scope-tabs" aria-label="Views of this scope" data-testid="scope-tabs">
      <ul>
        {tabs.map((t) => (
          <li key={t.view}>
            <Link
              to={{ pathname: t.to, search: range }}
              aria-current={t.view === current ? 'page' : undefined}
              data-testid={`tab-${t.view}`}
            >
              {t.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
