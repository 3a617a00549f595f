/**
 * A large, regular project for pagination tests and the benchmark: merged merge requests (merge
 * commits, so the commit graph is complete), production deployments of the default branch,
 * pipelines and incidents, spread evenly over the days before `end`.
 */
import { ProjectBuilder, type FakeProject } from './scenario';

export interface GeneratedProject {
  mergeRequests: number;
  deployments: number;
  pipelines: number;
  end: number;
  days?: number;
  incidents?: number;
}

const iso = (t: number) => new Date(t).toISOString();

export function generateProject(path: string, id: number, o: GeneratedProject): FakeProject {
  const b = new ProjectBuilder(path, { id });
  b.environment('production', 'production');
  const span = (o.days ?? 300) * 86_400_000;
  const start = o.end - span;
  const step = span / (o.mergeRequests + 1);
  const name = path.replace(/\//g, '-');
  b.commit(`${name}-root`, [], iso(start - 86_400_000));
  b.push(`${name}-root`, iso(start - 86_400_000));
  let head = `${name}-root`;
  const deployEvery = o.mergeRequests / Math.max(1, o.deployments);
  let deployed = 0;
  const perMr = o.pipelines / o.mergeRequests;
  let pipelines = 0;
  for (let i = 1; i <= o.mergeRequests; i++) {
    const at = start + i * step;
    const n = 1 + (i % 3);
    const commits: string[] = [];
    for (let k = 0; k < n; k++) {
      const c = `${name}-p${i}-${k}`;
      b.commit(c, [k === 0 ? head : commits[k - 1]], iso(at - (n - k) * 3_600_000));
      commits.push(c);
    }
    b.mergeRequest({ iid: i, commits, createdAt: iso(at - (n + 1) * 3_600_000), mergedAt: iso(at), mergeName: `${name}-m${i}` });
    head = `${name}-m${i}`;
    while (pipelines < Math.round(i * perMr)) {
      pipelines++;
      b.pipeline({
        commit: pipelines % 2 ? head : commits[0],
        ref: pipelines % 2 ? 'main' : `feature-${i}`,
        status: pipelines % 10 === 0 ? 'failed' : 'success',
        createdAt: iso(at + (pipelines % 2) * 60_000),
        tests: pipelines % 3 === 0 ? { success: 50, failed: pipelines % 10 === 0 ? 1 : 0 } : undefined,
      });
    }
    while (deployed < o.deployments && deployed < Math.floor(i / deployEvery)) {
      deployed++;
      b.deployment({ commit: head, createdAt: iso(at + 1_800_000), status: deployed % 15 === 0 ? 'failed' : 'success' });
    }
  }
  for (let k = 1; k <= (o.incidents ?? 0); k++) {
    const at = start + (k * span) / ((o.incidents ?? 0) + 1);
    b.issue({ iid: 100_000 + k, type: 'incident', severity: 'HIGH', createdAt: iso(at), closedAt: iso(at + 7_200_000) });
  }
  return b.project;
}
