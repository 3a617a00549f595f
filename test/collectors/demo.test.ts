import { describe, expect, it } from 'vitest';
import { generateDemo } from '../../collectors/demo/generate';
import { nativeEvent, type NativeEventInput } from '../../common/events';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const START = Date.parse('2025-05-01T00:00:00Z');
const DAY = 86_400_000;

const demo = generateDemo({ now: NOW });
const ms = (timestamp: string | undefined): number => Date.parse(timestamp ?? '');

type Change = Extract<NativeEventInput, { type: 'change' }>;
type Deployment = Extract<NativeEventInput, { type: 'deployment' }>;
type Incident = Extract<NativeEventInput, { type: 'incident' }>;

const changes = demo.events.filter((e): e is Change => e.type === 'change');
const deployments = demo.events.filter((e): e is Deployment => e.type === 'deployment');
const incidents = demo.events.filter((e): e is Incident => e.type === 'incident');

/** The instant every event is about; all of them must lie in the history. */
function mainTime(event: NativeEventInput): number {
  switch (event.type) {
    case 'change':
      return ms(event.committedAt);
    case 'deployment':
      return ms(event.finishedAt);
    case 'ci_run':
      return ms(event.finishedAt);
    case 'incident':
      return ms(event.openedAt);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Lead times as DESIGN.md defines them, by walking parents from each successful production deployment. */
function leadTimes(): { finishedAt: number; leadTime: number }[] {
  const bySha = new Map<string, Change>(changes.map((c) => [`${c.service} ${c.sha}`, c]));
  const shipped = deployments
    .filter((d) => d.environment === 'production' && d.status === 'success')
    .sort((a, b) => ms(a.finishedAt) - ms(b.finishedAt));
  const deployed = new Set<string>();
  const out: { finishedAt: number; leadTime: number }[] = [];
  for (const deployment of shipped) {
    const finishedAt = ms(deployment.finishedAt);
    const stack = [deployment.sha ?? ''];
    while (stack.length > 0) {
      const key = `${deployment.service} ${stack.pop()}`;
      const change = bySha.get(key);
      if (!change || deployed.has(key)) continue;
      deployed.add(key);
      out.push({ finishedAt, leadTime: finishedAt - ms(change.committedAt) });
      stack.push(...(change.parents ?? []));
    }
  }
  return out;
}

describe('generateDemo', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(JSON.stringify(generateDemo({ now: NOW }))).toBe(JSON.stringify(demo));
    expect(JSON.stringify(generateDemo({ now: NOW, seed: 42 }))).toBe(JSON.stringify(demo));
    expect(JSON.stringify(generateDemo({ now: NOW, seed: 7 }).events)).not.toBe(JSON.stringify(demo.events));
  });

  it('produces only valid native events from the demo source, of a size the server ingests quickly', () => {
    const invalid = demo.events.filter((e) => !nativeEvent.safeParse(e).success);
    expect(invalid).toEqual([]);
    expect(demo.events.every((e) => e.source === 'demo')).toBe(true);
    expect(demo.events.length).toBeGreaterThan(25_000);
    expect(demo.events.length).toBeLessThan(45_000);
    for (const type of ['change', 'deployment', 'ci_run', 'incident']) {
      expect(demo.events.some((e) => e.type === type)).toBe(true);
    }
  });

  it('declares 3 departments, at least 8 teams and 20 services, covering every event', () => {
    expect(demo.organisation).toHaveLength(3);
    const teams = demo.organisation.flatMap((d) => d.teams);
    expect(teams.length).toBeGreaterThanOrEqual(8);
    const services = new Set(teams.flatMap((t) => t.services));
    expect(services.size).toBeGreaterThanOrEqual(20);
    for (const service of services) expect(service).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
    const ids = [...demo.organisation.map((d) => d.id), ...teams.map((t) => t.id)];
    for (const id of ids) expect(id).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(demo.events.filter((e) => !services.has(e.service))).toEqual([]);
  });

  it('spans about 18 months and never goes past now', () => {
    const times = demo.events.map(mainTime);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(START);
    expect(Math.min(...times)).toBeLessThan(START + 7 * DAY);
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW);
    expect(Math.max(...times)).toBeGreaterThan(NOW - DAY);
    for (const e of incidents) if (e.resolvedAt) expect(ms(e.resolvedAt)).toBeLessThanOrEqual(NOW);
    expect(
      demo.events.filter((e) =>
        JSON.stringify(e)
          .match(/"\d{4}-[^"]*"/g)
          ?.some((t) => !t.endsWith('Z"')),
      ),
    ).toEqual([]);
  });

  it('goes from months to hours of lead time', () => {
    const all = leadTimes();
    expect(all.every((l) => l.leadTime >= 0)).toBe(true);
    const early = all.filter((l) => l.finishedAt < START + 90 * DAY).map((l) => l.leadTime);
    const late = all.filter((l) => l.finishedAt >= NOW - 30 * DAY).map((l) => l.leadTime);
    expect(early.length).toBeGreaterThan(100);
    expect(late.length).toBeGreaterThan(100);
    expect(median(early)).toBeGreaterThan(30 * DAY);
    expect(median(late)).toBeLessThan(DAY);
  });

  it('has unique ids per type and service', () => {
    const keys = demo.events.map((e) => `${e.type} ${e.service} ${e.type === 'change' ? e.sha : e.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Ingest is idempotent on (type, source, id), so ids must not repeat across services either.
    const ids = demo.events.filter((e) => e.type !== 'change').map((e) => `${e.type} ${'id' in e ? e.id : ''}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('deploys only known shas, never an older one than before, in production', () => {
    const position = new Map<string, number>();
    const bySha = new Map(changes.map((c) => [`${c.service} ${c.sha}`, c]));
    // A sha's depth along its parents orders the linear history of each service.
    const depth = (service: string, sha: string): number => {
      const key = `${service} ${sha}`;
      const known = position.get(key);
      if (known !== undefined) return known;
      const parent = bySha.get(key)?.parents?.[0];
      const value = parent ? depth(service, parent) + 1 : 0;
      position.set(key, value);
      return value;
    };
    for (const c of changes) depth(c.service, c.sha);
    for (const d of deployments) expect(bySha.has(`${d.service} ${d.sha}`)).toBe(true);
    const last = new Map<string, number>();
    const ordered = deployments
      .filter((d) => d.environment === 'production' && d.status === 'success')
      .sort((a, b) => ms(a.finishedAt) - ms(b.finishedAt));
    for (const d of ordered) {
      const at = depth(d.service, d.sha ?? '');
      expect(at).toBeGreaterThanOrEqual(last.get(d.service) ?? 0);
      last.set(d.service, at);
      expect(ms(d.startedAt)).toBeLessThan(ms(d.finishedAt));
    }
    expect(deployments.some((d) => d.environment === 'staging')).toBe(true);
    expect(deployments.some((d) => d.rework)).toBe(true);
    expect(deployments.some((d) => d.status === 'failure')).toBe(true);
  });

  it('sends explicit commit lists equal to what the parents would give', () => {
    const explicit = deployments.filter((d) => d.commits);
    expect(explicit.length).toBeGreaterThan(0);
    const bySha = new Map(changes.map((c) => [`${c.service} ${c.sha}`, c]));
    const previous = new Map<string, string>();
    for (const d of deployments
      .filter((x) => x.environment === 'production' && x.status === 'success')
      .sort((a, b) => ms(a.finishedAt) - ms(b.finishedAt))) {
      if (d.commits) {
        const walked: string[] = [];
        let sha = d.sha;
        while (sha && sha !== previous.get(d.service)) {
          walked.push(sha);
          sha = bySha.get(`${d.service} ${sha}`)?.parents?.[0];
        }
        expect([...d.commits].sort()).toEqual(walked.sort());
      }
      previous.set(d.service, d.sha ?? '');
    }
  });

  it('keeps each pull request consistent: consecutive commits, merge sha last', () => {
    const bySha = new Map(changes.map((c) => [`${c.service} ${c.sha}`, c]));
    const groups = new Map<string, Change[]>();
    const problems: string[] = [];
    for (const c of changes) {
      if (ms(c.authoredAt) > ms(c.committedAt)) problems.push(`${c.sha} authored after committed`);
      const pr = c.pullRequest;
      if (!pr) continue;
      const times = [pr.firstCommitAt, c.committedAt, pr.mergedAt].map(ms);
      const ordered = times[0] <= times[1] && times[1] <= times[2] && ms(pr.openedAt) <= times[2];
      if (!ordered) problems.push(`${c.sha} out of order`);
      const key = `${c.service} ${pr.number}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const [key, group] of groups) {
      const service = group[0].service;
      const mergeSha = group[0].pullRequest?.mergeSha ?? '';
      if (group.some((c) => JSON.stringify(c.pullRequest) !== JSON.stringify(group[0].pullRequest))) problems.push(`${key} differs`);
      // Walking back from the merge sha must meet exactly the pull request's commits first.
      let sha: string | undefined = mergeSha;
      for (let i = 0; i < group.length; i += 1) {
        const c: Change | undefined = bySha.get(`${service} ${sha}`);
        if (!c || c.pullRequest?.number !== group[0].pullRequest?.number) problems.push(`${key} not consecutive`);
        sha = c?.parents?.[0];
      }
    }
    expect(problems).toEqual([]);
    expect(groups.size).toBeGreaterThan(1000);
    expect(changes.filter((c) => c.pullRequest).length / changes.length).toBeGreaterThan(0.8);
    const withPr = changes.filter((c) => c.pullRequest);
    const planned = withPr.filter((c) => c.pullRequest?.planStartedAt).length / withPr.length;
    expect(planned).toBeGreaterThan(0.5);
    expect(planned).toBeLessThan(0.9);
  });

  it('has incidents early and late, with some still open', () => {
    expect(incidents.some((i) => ms(i.openedAt) < START + 120 * DAY)).toBe(true);
    expect(incidents.some((i) => ms(i.openedAt) >= NOW - 30 * DAY)).toBe(true);
    expect(incidents.some((i) => !i.resolvedAt)).toBe(true);
    expect(incidents.some((i) => i.deploymentId)).toBe(true);
    expect(incidents.some((i) => i.rootCauseSha)).toBe(true);
    const ids = new Set(deployments.map((d) => d.id));
    for (const i of incidents) if (i.deploymentId) expect(ids.has(i.deploymentId)).toBe(true);
    const shas = new Set(changes.map((c) => `${c.service} ${c.sha}`));
    for (const i of incidents) if (i.rootCauseSha) expect(shas.has(`${i.service} ${i.rootCauseSha}`)).toBe(true);
  });
});
