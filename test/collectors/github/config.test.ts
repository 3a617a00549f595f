/** `sources.github` in deming.config.yaml: defaults, the environment, and a clear error naming the key for every mistake. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploymentSourceOf } from '../../../collectors/github/config';
import { ConfigError, loadConfig } from '../../../server/config';

function file(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'deming-ghcfg-')), 'deming.config.yaml');
  writeFileSync(f, text);
  return f;
}
const load = (yaml: string, env: Record<string, string> = {}) =>
  loadConfig({ DEMING_CONFIG: file(`sources:\n  github:\n${yaml}`), ...env });

describe('sources.github', () => {
  it('has the defaults of the README, and GITHUB_TOKEN wins over the file', () => {
    const c = load(
      '    token: from-the-file\n    repositories: [acme/web, { name: acme/api, deployments: { from: releases, tagPattern: "^v" } }]\n    organisations: [Acme]\n',
      { GITHUB_TOKEN: 'from-the-environment' },
    );
    expect(c.github).toEqual({
      auth: { kind: 'token', token: 'from-the-environment' },
      baseUrl: 'https://api.github.com',
      repositories: [{ name: 'acme/web' }, { name: 'acme/api', deployments: { from: 'releases', tagPattern: '^v' } }],
      organisations: ['acme'],
      deployments: { from: 'deployments' },
      incidentLabels: ['incident'],
      intervalMs: 900_000,
      backfillDays: 365,
      graphqlIntervalMs: 1000,
    });
    expect(deploymentSourceOf(c.github!, 'ACME/API').from).toBe('releases');
    expect(deploymentSourceOf(c.github!, 'acme/other').from).toBe('deployments');
    expect(c.hasSources).toBe(true);
  });

  it('takes GitHub Enterprise Server, its own schedule, labels and a webhook secret from the file (the environment wins)', () => {
    const c = load(
      '    token: ${GHE_TOKEN}\n    baseUrl: https://ghe.example.gov/api/v3/\n    interval: 1h\n    backfillDays: 90\n    incidents: { labels: [incident, outage] }\n    webhookSecret: ${HOOK}\n    deployments: { from: workflow, workflow: deploy.yml, environment: live }\n',
      { GHE_TOKEN: 't', HOOK: 'from-file' },
    );
    expect(c.github).toMatchObject({
      baseUrl: 'https://ghe.example.gov/api/v3',
      intervalMs: 3_600_000,
      backfillDays: 90,
      incidentLabels: ['incident', 'outage'],
      deployments: { from: 'workflow', workflow: 'deploy.yml', environment: 'live' },
    });
    expect(c.githubWebhookSecret).toBe('from-file');
    expect(load('    webhookSecret: from-file\n', { DEMING_GITHUB_WEBHOOK_SECRET: 'from-env' }).githubWebhookSecret).toBe('from-env');
    expect(load('    interval: "off"\n').github?.intervalMs).toBeNull();
  });

  it.each([
    ['    repositories: [acme]\n', /sources\.github\.repositories\[0\]\.name: expected a repository as "owner\/name"/],
    ['    token: t\n    deployments: { from: workflow }\n', /sources\.github\.deployments\.workflow: is required when from is "workflow"/],
    ['    deployments: { from: tags }\n', /sources\.github\.deployments\.from: expected deployments, releases or workflow/],
    [
      '    repositories: [{ name: a/b, deployments: { from: releases, tagPattern: "(" } }]\n',
      /sources\.github\.repositories\[0\]\.deployments\.tagPattern: expected a regular expression/,
    ],
    ['    interval: soon\n', /sources\.github\.interval: expected a duration such as 30s, 15m, 1h or off/],
    ['    interval: 5s\n', /sources\.github\.interval: must be at least 10s/],
    ['    baseUrl: ghe.example.gov\n', /sources\.github\.baseUrl: expected the API URL/],
    ['    colour: blue\n', /sources\.github: remove or correct "colour"/],
    ['    backfillDays: 0\n', /sources\.github\.backfillDays/],
    ['    repositories: [acme/web]\n', /sources\.github: collecting repositories needs a token: set GITHUB_TOKEN/],
    [
      '    token: t\n    app: { appId: 1, privateKey: /no/such.pem, installationId: 2 }\n',
      /sources\.github: give either token or app, not both/,
    ],
    [
      '    app: { appId: 1, privateKey: /no/such.pem, installationId: 2 }\n',
      /sources\.github\.app\.privateKey: "\/no\/such\.pem" is neither a PEM key nor a file/,
    ],
    ['    app: { appId: one, privateKey: x, installationId: 2 }\n', /sources\.github\.app\.appId: expected a number/],
  ])('refuses %j with the key and the fix', (yaml, message) => {
    expect(() => load(yaml)).toThrow(ConfigError);
    expect(() => load(yaml)).toThrow(message);
  });
});
