/**
 * What the GitHub source declares of its deployments' environments: the environment each
 * repository's deployment workflow deploys to (`deployments: {from: workflow, environment}`).
 * When it changes, the runs stored as deployments take the environment declared now
 * (collectors/shared/declared.ts). The Deployments API's deployments name their own environment,
 * and releases are sent again by the next pull when their rules change, so neither is touched
 * here. A repository no longer collected in the workflow mode keeps its runs as they were.
 */
import type { Declaration } from '../shared/declared';
import { deploymentSourceOf, type GithubSettings } from './config';

/** A workflow run's deployment id (adapt-run.ts): `owner/name/actions/runs/N`. */
const runDeployment = /^([^/]+\/[^/]+)\/actions\/runs\/\d+$/;

const workflowEnvironment = (settings: Pick<GithubSettings, 'repositories' | 'deployments'>, repo: string): string | null => {
  const source = deploymentSourceOf(settings, repo);
  return source.from === 'workflow' ? (source.environment ?? 'production') : null;
};

export function githubDeclaration(settings: Pick<GithubSettings, 'repositories' | 'deployments'>): Declaration {
  const declared = {
    default: workflowEnvironment({ repositories: [], deployments: settings.deployments }, ''),
    repositories: settings.repositories
      .map((r) => [r.name.toLowerCase(), workflowEnvironment(settings, r.name)] as const)
      .filter(([, environment]) => environment !== null)
      .sort(([a], [b]) => a.localeCompare(b)),
  };
  return {
    source: 'github',
    fingerprint: JSON.stringify(declared),
    mapper: async () => (stored) => {
      const repo = runDeployment.exec(stored.id)?.[1];
      const environment = repo === undefined ? null : workflowEnvironment(settings, repo);
      return environment === null || environment === stored.environment ? null : { ...stored, environment };
    },
  };
}
