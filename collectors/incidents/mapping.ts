/**
 * From a tool's notion of a service to a Deming service: rules whose fields must all match (a
 * value, or a pattern where `*` stands for any text), first match wins, and whose service may
 * put in a matched value (`health/{service}`). Values are compared without regard to case.
 */

export interface CompiledRule {
  when: { field: string; match: RegExp }[];
  /** The service, with `{field}` places. */
  service: string;
  /** The fields its service puts in. */
  fields: string[];
  /** Whether the services it names report incidents from the source's start (configured rules; not a source's own fallback). */
  claims: boolean;
}

/** A value or a pattern with `*` as a matcher of the whole value, without regard to case. */
export function compilePattern(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'is');
}

/** The `{field}` places of a service template. */
export function templateFields(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/** The service the first matching rule names, or null when none matches. */
export function mapService(rules: readonly CompiledRule[], fields: Readonly<Record<string, string>>): string | null {
  for (const r of rules) {
    if (!r.when.every((w) => fields[w.field] !== undefined && w.match.test(fields[w.field]))) continue;
    return r.service.replace(/\{([^}]+)\}/g, (_, f: string) => fields[f]);
  }
  return null;
}
