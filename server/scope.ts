/**
 * Scopes (`org`, `department:<id>`, `team:<id>`, `service:<owner/name>`) as the API names them.
 * The services in each come from the organisation tree (server/org).
 */
import { identifierProblem, normaliseServiceName } from '../common/identifiers';
import { HttpError } from './errors';

export type Scope = { kind: 'org'; key: 'org' } | { kind: 'department' | 'team' | 'service'; id: string; key: string };

const EXPECTED = 'expected "org", "department:<id>", "team:<id>" or "service:<owner/name>"';

/** Parses a scope string (absent or empty: `org`), or answers 400 naming the field. */
export function parseScope(value: unknown, field = 'scope'): Scope {
  if (value !== undefined && typeof value !== 'string') throw new HttpError(400, 'invalid_scope', `${field}: ${EXPECTED}, once, as text.`);
  const s = value || 'org';
  if (s === 'org') return { kind: 'org', key: 'org' };
  const m = /^(department|team|service):(.{1,200})$/s.exec(s);
  if (!m) throw new HttpError(400, 'invalid_scope', `${field}: ${EXPECTED}, got ${JSON.stringify(s.slice(0, 100))}`);
  const kind = m[1] as 'department' | 'team' | 'service';
  // No control or invisible character in any id; a service is then looked up by its key (one
  // stored before the character set of ../common/identifiers.ts was enforced stays reachable).
  const problem = identifierProblem(m[2]);
  if (problem) throw new HttpError(400, 'invalid_scope', `${field}: the ${kind === 'service' ? 'service name' : `${kind} id`} ${problem}.`);
  if (kind !== 'service') return { kind, id: m[2], key: s };
  const name = normaliseServiceName(m[2]);
  return { kind, id: name, key: `service:${name}` };
}

/** A scope and its services (server/org resolves it). */
export interface ResolvedScope {
  scope: Scope;
  serviceIds: number[];
}
