/**
 * A large, regular repository for pagination tests and the benchmark: merged pull requests
 * (merge commits, so the commit graph is complete), production deployments of the default
 * branch, and workflow runs, spread evenly over the days before `end`.
 */
import { RepoBuilder, type FakeRepo } from './scenario';

export interface GeneratedRepo {
  pulls: number;
  deployments: number;
  runs: number;
  end: number;
  days?: number;
  incidents?: number;
}

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

export function generateRepo(owner: string, name: string, o: GeneratedRepo): FakeRepo {
  const b = new RepoBuilder(owner, name);
  const span = (o.days ?? 300) * 86_400_000;
  const start = o.end - span;
  const step = span / (o.pulls + 1);
  b.commit(`${name}-root`, [], iso(start - 86_400_000));
  b.push(`${name}-root`, [`${name}-root`], iso(start - 86_400_000));
  let head = `${name}-root`;
  const deployEvery = o.pulls / Math.max(1, o.deployments);
  let deployed = 0;
  const runsPerPull = o.runs / o.pulls;
  let runs = 0;
  for (let i = 1; i <= o.pulls; i++) {
    const at = start + i * step;
    const commits: string[] = [];
    const n = 1 + (i % 3);
    let parent = head;
    for (let k = 0; k < n; k++) {
      const c = `${name}-p${i}-${k}`;
      b.commit(c, [parent], iso(at - (n - k) * 3_600_000));
      commits.push(c);
      parent = c;
    }
    b.pull({ number: i, commits, createdAt: iso(at - (n + 1) * 3_600_000), mergedAt: iso(at), mergeName: `${name}-m${i}` });
    head = `${name}-m${i}`;
    while (runs < Math.round(i * runsPerPull)) {
      runs++;
      b.run({
        commit: runs % 2 ? head : commits[0],
        branch: runs % 2 ? 'main' : `feature-${i}`,
        conclusion: runs % 10 === 0 ? 'failure' : 'success',
        createdAt: iso(at + (runs % 2) * 60_000),
      });
    }
    while (deployed < o.deployments && deployed < Math.floor(i / deployEvery)) {
      deployed++;
      const d = at + 1_800_000;
      const ok = deployed % 15 !== 0;
      b.deployment({
        commit: head,
        createdAt: iso(d),
        statuses: [
          ['queued', iso(d + 30_000)],
          ['in_progress', iso(d + 60_000)],
          [ok ? 'success' : 'failure', iso(d + 600_000)],
        ],
      });
    }
  }
  for (let k = 1; k <= (o.incidents ?? 0); k++) {
    const at = start + (k * span) / ((o.incidents ?? 0) + 1);
    b.issue({ number: 100_000 + k, labels: ['incident'], createdAt: iso(at), closedAt: iso(at + 7_200_000) });
  }
  return b.repo;
}
