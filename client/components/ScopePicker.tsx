/** Jump to any scope: the organisation, a department, a team or a service. */
import { useId } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useOrg } from '../hooks/useOrg';
import { isolate } from '../lib/bidi';
import { pathForScope, scopeFromPath } from '../lib/scope';
import { loopsPath, parseSectionPath, withoutLoop } from '../lib/loops-paths';

const SUMMARY = 'summary';

export function ScopePicker() {
  const id = useId();
  const org = useOrg().data;
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  // `/` is the executive summary, which is no scope but is one of the places to go.
  // On a loops or retro page, another scope opens that scope's loops (a loop picked means nothing there).
  const section = parseSectionPath(pathname);
  const current = pathname === '/' ? SUMMARY : section?.scope ?? scopeFromPath(pathname) ?? '';
  const teamsOf = (departmentId: string) => org?.teams.filter((t) => t.departmentId === departmentId) ?? [];
  return (
    <div className="field scope-picker">
      <label htmlFor={id}>Show</label>
      <select id={id} value={current} disabled={!org} data-testid="scope-picker"
        onChange={(e) => navigate(e.target.value === SUMMARY ? { pathname: '/', search }
          : section ? { pathname: loopsPath(e.target.value), search: withoutLoop(search) } : { pathname: pathForScope(e.target.value), search })}>
        {current === '' && <option value="">Choose a scope</option>}
        <option value={SUMMARY}>Executive summary: all departments</option>
        <option value="org">Whole organisation</option>
        {org && org.departments.length > 0 && (
          <optgroup label="Departments">
            {org.departments.map((d) => <option key={d.id} value={`department:${d.id}`}>{isolate(d.name)}</option>)}
          </optgroup>
        )}
        {org?.departments.flatMap((d) => teamsOf(d.id).map((t) => (
          <optgroup key={t.id} label={`${isolate(t.name)} (${isolate(d.name)})`}>
            <option value={`team:${t.id}`}>{isolate(t.name)}: whole team</option>
            {t.services.map((name) => <option key={name} value={`service:${name}`}>{isolate(name)}</option>)}
          </optgroup>
        )))}
      </select>
    </div>
  );
}
