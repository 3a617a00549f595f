import { describe, expect, it } from 'vitest';
import type { OrgResponse } from '../../common/api';
import {
  breadcrumbs,
  childScopes,
  describeScope,
  nameInSentence,
  parseScopeKey,
  pathForScope,
  scopeFromPath,
  servicesOfScope,
} from '../../client/lib/scope';

const org: OrgResponse = {
  demo: true,
  departments: [{ id: 'health', name: 'Health', teams: ['appointments', 'records'] }],
  teams: [
    { id: 'appointments', name: 'Appointments', departmentId: 'health', services: ['gov-health/appointments-api', 'gov-health/web'] },
    { id: 'records', name: 'Patient Records', departmentId: 'health', services: ['gov-health/records-api'] },
    { id: 'unassigned', name: 'Unassigned', departmentId: 'unassigned', services: ['solo'] },
  ],
  services: [
    { name: 'gov-health/appointments-api', teamId: 'appointments' },
    { name: 'gov-health/web', teamId: 'appointments' },
    { name: 'gov-health/records-api', teamId: 'records' },
    { name: 'solo', teamId: 'unassigned' },
  ],
};

describe('scope paths', () => {
  it.each([
    ['org', '/org'],
    ['department:health', '/department/health'],
    ['team:appointments', '/team/appointments'],
    ['service:gov-health/appointments-api', '/service/gov-health/appointments-api'],
    ['service:a b/c#d', '/service/a%20b/c%23d'],
  ])('%s lives at %s and back', (key, path) => {
    expect(pathForScope(key)).toBe(path);
    expect(scopeFromPath(path)).toBe(key);
  });

  it('reads an empty path as the organisation, for sections such as /loops', () => {
    expect(scopeFromPath('/')).toBe('org');
  });

  it('knows which paths are no scope', () => {
    expect(scopeFromPath('/nowhere')).toBeNull();
    expect(scopeFromPath('/team')).toBeNull();
    expect(scopeFromPath('/team/a/b')).toBeNull();
    expect(scopeFromPath('/service/%E0%A4%A')).toBeNull();
    expect(parseScopeKey('team:')).toBeNull();
    expect(parseScopeKey('galaxy:x')).toBeNull();
  });
});

describe('scopes in the organisation', () => {
  it('names scopes, and refuses ones the organisation lacks', () => {
    expect(describeScope(org, 'team:records')?.label).toBe('Patient Records');
    expect(describeScope(org, 'service:solo')?.label).toBe('solo');
    expect(describeScope(org, 'team:nope')).toBeNull();
    expect(nameInSentence({ kind: 'org', label: 'Whole organisation' })).toBe('the organisation');
    expect(nameInSentence({ kind: 'team', label: 'Appointments' })).toBe('Appointments');
  });

  it('walks from the organisation down to a service', () => {
    expect(breadcrumbs(org, 'service:gov-health/web').map((c) => c.label)).toEqual([
      'Whole organisation',
      'Health',
      'Appointments',
      'gov-health/web',
    ]);
    expect(breadcrumbs(org, 'team:records').map((c) => c.key)).toEqual(['org', 'department:health', 'team:records']);
    expect(breadcrumbs(org, 'org').map((c) => c.key)).toEqual(['org']);
  });

  it('lists what is one level down', () => {
    expect(childScopes(org, 'org').map((c) => c.key)).toEqual(['department:health']);
    expect(childScopes(org, 'department:health').map((c) => c.label)).toEqual(['Appointments', 'Patient Records']);
    expect(childScopes(org, 'team:appointments').map((c) => c.key)).toEqual([
      'service:gov-health/appointments-api',
      'service:gov-health/web',
    ]);
    expect(childScopes(org, 'service:solo')).toEqual([]);
  });

  it('knows the services of each scope', () => {
    expect([...servicesOfScope(org, 'department:health')].sort()).toEqual([
      'gov-health/appointments-api',
      'gov-health/records-api',
      'gov-health/web',
    ]);
    expect([...servicesOfScope(org, 'org')]).toHaveLength(4);
    expect([...servicesOfScope(org, 'service:solo')]).toEqual(['solo']);
  });
});
