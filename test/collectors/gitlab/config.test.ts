/** `sources.gitlab` in deming.config.yaml: defaults, the environment, and a clear error naming the key for every mistake. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { globRegExp, isIncluded } from '../../../collectors/gitlab/config';
import { proxyFor } from '../../../collectors/gitlab/client';
import { ConfigError, loadConfig } from '../../../server/config';

function file(text: string, name = 'deming.config.yaml'): string {
  const f = join(mkdtempSync(join(tmpdir(), 'deming-glcfg-')), name);
  writeFileSync(f, text);
  return f;
}
const load = (yaml: string, env: Record<string, string> = {}) =>
  loadConfig({ DEMING_CONFIG: file(`sources:\n  gitlab:\n${yaml}`), ...env });
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('sources.gitlab', () => {
  it('has the defaults of the README (GitLab.com), and GITLAB_TOKEN wins over the file', () => {
    const c = load('    token: from-the-file\n    groups: [health, 42]\n    projects: [other/elsewhere]\n', {
      GITLAB_TOKEN: 'from-the-environment',
    });
    expect(c.gitlab).toEqual({
      baseUrl: 'https://gitlab.com/api/v4',
      token: 'from-the-environment',
      groups: ['health', 42],
      projects: ['other/elsewhere'],
      include: [],
      exclude: [],
      servicePrefix: '',
      environments: null,
      incidentLabels: [],
      incidentsSince: null,
      ca: null,
      releases: null,
      intervalMs: 900_000,
      backfillDays: 365,
    });
    expect(c.hasSources).toBe(true);
    expect(c.gitlabWebhookSecret).toBeNull();
  });

  it('takes a self-managed instance under a path prefix, its CA, a service prefix, patterns, labels and a webhook secret (the environment wins)', () => {
    const ca = file(CA, 'ca.pem');
    const c = load(
      `    baseUrl: https://git.health.example/gitlab/api/v4/\n    token: \${GL}\n    groups: [health]\n    caFile: ${ca}\n    servicePrefix: gl\n    include: ["health/**"]\n    exclude: ["**/sandbox-*"]\n    environments: "^(live|prod)$"\n    incidents: { labels: [outage] }\n    webhookSecret: from-file\n    interval: 1h\n`,
      { GL: 't' },
    );
    expect(c.gitlab).toMatchObject({
      baseUrl: 'https://git.health.example/gitlab/api/v4',
      token: 't',
      servicePrefix: 'gl/',
      ca: CA,
      incidentLabels: ['outage'],
      intervalMs: 3_600_000,
    });
    expect(c.gitlab!.environments!.test('LIVE')).toBe(true);
    expect(c.gitlabWebhookSecret).toBe('from-file');
    expect(load('    webhookSecret: from-file\n', { DEMING_GITLAB_WEBHOOK_SECRET: 'from-env' }).gitlabWebhookSecret).toBe('from-env');
  });

  it('matches include and exclude patterns on the project path, without regard to case', () => {
    expect(globRegExp('health/*').test('health/portal')).toBe(true);
    expect(globRegExp('health/*').test('health/clinics/booking')).toBe(false);
    expect(globRegExp('health/**').test('health/clinics/booking')).toBe(true);
    expect(globRegExp('**/sandbox-*').test('Health/Clinics/Sandbox-lab')).toBe(true);
    expect(isIncluded({ include: ['health/**'], exclude: ['**/sandbox-*'] }, 'health/clinics/booking')).toBe(true);
    expect(isIncluded({ include: ['health/**'], exclude: ['**/sandbox-*'] }, 'health/clinics/sandbox-lab')).toBe(false);
    expect(isIncluded({ include: ['health/**'], exclude: [] }, 'other/elsewhere')).toBe(false);
  });

  it('takes the proxy from the environment, and NO_PROXY exempts hosts', () => {
    const env = { HTTPS_PROXY: 'http://proxy.internal:3128', NO_PROXY: 'localhost,.health.example' };
    expect(proxyFor(new URL('https://gitlab.com/api/v4'), env)?.host).toBe('proxy.internal:3128');
    expect(proxyFor(new URL('https://git.health.example/api/v4'), env)).toBeNull();
    expect(proxyFor(new URL('http://gitlab.com/api/v4'), env)).toBeNull();
    expect(proxyFor(new URL('http://gitlab.com/api/v4'), { http_proxy: 'proxy:8080' })?.host).toBe('proxy:8080');
  });

  it.each([
    ['    groups: [health]\n', /sources\.gitlab: collecting projects needs a token with the read_api scope: set GITLAB_TOKEN/],
    [
      '    baseUrl: gitlab.example.gov\n',
      /sources\.gitlab\.baseUrl: expected the API URL, such as https:\/\/gitlab\.example\.gov\/api\/v4/,
    ],
    ['    baseUrl: https://gitlab.example.gov/\n', /sources\.gitlab\.baseUrl: "https:\/\/gitlab\.example\.gov" does not end in \/api\/v4/],
    [
      '    groups: ["health clinics"]\n',
      /sources\.gitlab\.groups\[0\]: expected a group path such as "health\/clinics", or its numeric id/,
    ],
    ['    projects: [{ name: x }]\n', /sources\.gitlab\.projects\[0\]: expected a project path/],
    ['    exclude: ["a b"]\n', /sources\.gitlab\.exclude\[0\]: expected a path pattern/],
    ['    environments: "("\n', /sources\.gitlab\.environments: expected a regular expression/],
    ['    caFile: /no/such/ca.pem\n', /sources\.gitlab\.caFile: "\/no\/such\/ca\.pem" does not exist/],
    ['    interval: 5s\n', /sources\.gitlab\.interval: must be at least 10s/],
    ['    servicePrefix: "a b"\n', /sources\.gitlab\.servicePrefix: expected a prefix such as "gitlab\/"/],
    ['    colour: blue\n', /sources\.gitlab: remove or correct "colour"/],
  ])('refuses %j with the key and the fix', (yaml, message) => {
    expect(() => load(yaml)).toThrow(ConfigError);
    expect(() => load(yaml)).toThrow(message);
  });

  it('declares the configured groups and projects as reporting incidents from incidents.since (DESIGN, "Evidence")', () => {
    const c = load(
      '    token: t\n    groups: [health, 42]\n    projects: [other/elsewhere]\n    servicePrefix: gl/\n    incidents: { since: 2026-01-05 }\n',
    );
    expect(c.evidence.incidents).toEqual([
      { services: 'gl/health/*', since: Date.parse('2026-01-05T00:00:00Z') },
      { services: 'gl/other/elsewhere', since: Date.parse('2026-01-05T00:00:00Z') },
    ]);
    expect(load('    token: t\n    groups: [health]\n').evidence.incidents).toEqual([]);
    expect(() => load('    incidents: { since: 2999-01-01 }\n')).toThrow(/sources\.gitlab\.incidents\.since: the date is in the future/);
  });

  it('refuses a CA file that holds no certificate', () => {
    const key = file('-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n', 'key.pem');
    expect(() => load(`    caFile: ${key}\n`)).toThrow(/sources\.gitlab\.caFile: .* holds no PEM certificate/);
  });
});
