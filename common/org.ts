/**
 * The organisation: departments → teams → services. The same shape is declared in
 * `deming.config.yaml` (under `organisation`) and produced by the demo generator.
 */
import { z } from 'zod';
import { normaliseServiceName, serviceKey, serviceNameProblem } from './identifiers';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case id of letters, digits and dashes, such as "health-digital"');

/**
 * A service name or a pattern with `*`: the character set of service names (./identifiers.ts),
 * in NFC. They match services without regard to case or Unicode form ({@link teamResolver}).
 */
const servicePattern = z
  .string()
  .min(1)
  .max(200)
  .transform(normaliseServiceName)
  .superRefine((s, ctx) => {
    const problem = serviceNameProblem(s.replaceAll('*', 'x'));
    if (problem) ctx.addIssue({ code: 'custom', message: `the service name ${problem}` });
  });

export const teamConfig = z
  .object({
    id,
    name: z.string().min(1).max(200),
    /** Service names (`owner/name`) or patterns with `*`, such as `bcgov/health-*`. */
    services: z.array(servicePattern).default([]),
  })
  .strict();

export const departmentConfig = z
  .object({
    id,
    name: z.string().min(1).max(200),
    teams: z.array(teamConfig).default([]),
  })
  .strict();

export const organisationConfig = z.array(departmentConfig);

export type TeamConfig = z.infer<typeof teamConfig>;
export type DepartmentConfig = z.infer<typeof departmentConfig>;
export type OrganisationConfig = z.infer<typeof organisationConfig>;

export { UNASSIGNED_DEPARTMENT, UNASSIGNED_TEAM } from './org-tree';

/** Turns a service pattern such as `bcgov/*` into a matcher of service keys. */
function patternToRegExp(pattern: string): RegExp {
  const escaped = serviceKey(pattern)
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'u');
}

/**
 * Maps a service name to its configured team: exact names win over patterns, first match wins.
 * Names and patterns match as services do, by {@link serviceKey}: without regard to case or
 * Unicode form.
 */
export function teamResolver(org: OrganisationConfig): (service: string) => string | null {
  const exact = new Map<string, string>();
  const patterns: { re: RegExp; team: string }[] = [];
  for (const d of org)
    for (const t of d.teams)
      for (const s of t.services) {
        if (s.includes('*')) patterns.push({ re: patternToRegExp(s), team: t.id });
        else if (!exact.has(serviceKey(s))) exact.set(serviceKey(s), t.id);
      }
  return (service) => {
    const key = serviceKey(service);
    return exact.get(key) ?? patterns.find((p) => p.re.test(key))?.team ?? null;
  };
}
