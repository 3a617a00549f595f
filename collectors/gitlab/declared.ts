/**
 * What the GitLab source declares of its deployments: on an instance without environment tiers,
 * `sources.gitlab.environments` says which environments are production (adapt.ts,
 * declaredProduction). When it changes, the deployments stored under the old pattern are sent
 * again with what the pattern says now (collectors/shared/declared.ts). Only those whose
 * environment the project's deployments cursor knows to have no tier are touched: a tier, where
 * there is one, decides whatever the pattern says. Releases are sent again by the next pull when
 * their rules change.
 */
import type { Store } from '../../db/store';
import { parseCollectorCursor } from '../shared/cursors';
import type { Declaration } from '../shared/declared';
import { declaredProduction } from './adapt';
import type { GitlabSettings } from './config';
import { COLLECTOR } from './projects';
import { deploymentsCursor } from './sync';

/** A deployment's id (adapt.ts): `<project key>/deployments/N`; its project's cursor is `<project key>:deployments`. */
const deploymentOf = /^(.+)\/deployments\/\d+$/;

export function gitlabDeclaration(settings: Pick<GitlabSettings, 'environments'>, store: Pick<Store, 'listCursors'>): Declaration {
  const pattern = settings.environments;
  return {
    source: 'gitlab',
    fingerprint: pattern ? `/${pattern.source}/${pattern.flags}` : 'none',
    mapper: async () => {
      const untiered = new Map<string, Set<string>>();
      for (const row of await store.listCursors(COLLECTOR)) {
        if (!row.resource.endsWith(':deployments')) continue;
        const tiers = parseCollectorCursor(row, deploymentsCursor).state?.tiers ?? {};
        const names = Object.entries(tiers).flatMap(([name, tier]) => (tier ? [] : [name]));
        untiered.set(row.resource.slice(0, -':deployments'.length), new Set(names));
      }
      return (stored) => {
        const project = deploymentOf.exec(stored.id)?.[1];
        if (project === undefined || !untiered.get(project)?.has(stored.environment)) return null;
        const production = declaredProduction(null, stored.environment, settings);
        if (production === stored.production) return null;
        const { production: _, ...rest } = stored;
        return production === undefined ? rest : { ...stored, production };
      };
    },
  };
}
