/** Departments, teams and services. */
import type { Db } from '../connection';
import { prepared } from '../prepared';
import { teamResolver, UNASSIGNED_DEPARTMENT, UNASSIGNED_TEAM, type OrganisationConfig } from '../../common/org';
import { normaliseServiceName, serviceKey } from '../../common/identifiers';

export interface ServiceRow {
  id: number;
  name: string;
  teamId: string;
}
export interface TeamRow {
  id: string;
  name: string;
  departmentId: string;
}
export interface DepartmentRow {
  id: string;
  name: string;
}
/** A service's id and the name it was first seen with (its display name). */
export interface ServiceRef {
  id: number;
  name: string;
}

/**
 * Writes the configured organisation into the database (idempotent) and re-maps existing
 * services to the teams the configuration now gives them.
 */
export function syncOrganisation(db: Db, org: OrganisationConfig): void {
  const resolve = teamResolver(org);
  db.transaction(() => {
    ensureUnassigned(db);
    for (const d of org) {
      prepared(db, 'INSERT INTO departments (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name').run(d.id, d.name);
      for (const t of d.teams) {
        prepared(
          db,
          'INSERT INTO teams (id, name, department_id) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, department_id = excluded.department_id',
        ).run(t.id, t.name, d.id);
      }
    }
    for (const s of listServices(db)) {
      const team = resolve(s.name) ?? UNASSIGNED_TEAM;
      if (team !== s.teamId) prepared(db, 'UPDATE services SET team_id = ? WHERE id = ?').run(team, s.id);
    }
  })();
}

function ensureUnassigned(db: Db): void {
  prepared(db, "INSERT OR IGNORE INTO departments (id, name) VALUES (?, 'Unassigned')").run(UNASSIGNED_DEPARTMENT);
  prepared(db, "INSERT OR IGNORE INTO teams (id, name, department_id) VALUES (?, 'Unassigned', ?)").run(
    UNASSIGNED_TEAM,
    UNASSIGNED_DEPARTMENT,
  );
}

/** The service a name means, whatever its case or Unicode form, or undefined. */
export function findService(db: Db, name: string): ServiceRef | undefined {
  return prepared<[string], ServiceRef>(db, 'SELECT id, name FROM services WHERE key = ?').get(serviceKey(name));
}

/**
 * Returns the service a name means, creating it (in its configured team, or `unassigned`) on
 * first sight, under that first name in NFC: later spellings in another case or Unicode form
 * are the same service.
 */
export function ensureService(db: Db, name: string, resolveTeam: (service: string) => string | null): ServiceRef {
  const found = findService(db, name);
  if (found) return found;
  const team = resolveTeam(name) ?? UNASSIGNED_TEAM;
  if (team === UNASSIGNED_TEAM) ensureUnassigned(db);
  const display = normaliseServiceName(name);
  const id = Number(
    prepared(db, 'INSERT INTO services (name, key, team_id) VALUES (?, ?, ?)').run(display, serviceKey(display), team).lastInsertRowid,
  );
  return { id, name: display };
}

export function listServices(db: Db): ServiceRow[] {
  return prepared<[], ServiceRow>(db, 'SELECT id, name, team_id AS teamId FROM services ORDER BY name').all();
}

export function listTeams(db: Db): TeamRow[] {
  return prepared<[], TeamRow>(db, 'SELECT id, name, department_id AS departmentId FROM teams ORDER BY name').all();
}

export function listDepartments(db: Db): DepartmentRow[] {
  return prepared<[], DepartmentRow>(db, 'SELECT id, name FROM departments ORDER BY name').all();
}

export function countServices(db: Db): number {
  return prepared<[], { n: number }>(db, 'SELECT count(*) AS n FROM services').get()!.n;
}

/** The team and department of each named service (for telling the rooms that a change touches). */
export function listServicePlaces(db: Db, names: string[]): { name: string; teamId: string; departmentId: string }[] {
  return prepared<[string], { name: string; teamId: string; departmentId: string }>(
    db,
    `
    SELECT s.name, s.team_id AS teamId, t.department_id AS departmentId FROM services s JOIN teams t ON t.id = s.team_id
    WHERE s.name IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(names));
}
