import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';
import { startTestServer } from '../helpers/server';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'deming-cfg-')), 'deming.config.yaml');
  writeFileSync(file, text);
  return file;
}

describe('configuration', () => {
  it('has the defaults of DESIGN.md with no file and no environment', () => {
    const c = loadConfig({}, undefined);
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dbFile: './data/deming.db', demo: 'auto', tz: 'UTC', tokens: [] });
    expect(c.production.test('Production')).toBe(true);
    expect(c.production.test('preprod')).toBe(false);
  });

  it('lets the environment win over the file, and fills ${VAR} references from it', () => {
    const file = configFile(
      'server:\n  port: 4000\ntimezone: Europe/London\nauth:\n  tokens:\n    - name: ci\n      token: ${CI_TOKEN}\n      role: ingest\n',
    );
    const c = loadConfig({ DEMING_CONFIG: file, PORT: '5000', CI_TOKEN: 'from-the-environment-123' });
    expect(c.port).toBe(5000);
    expect(c.tz).toBe('Europe/London');
    expect(c.tokens).toEqual([{ name: 'ci', token: 'from-the-environment-123', role: 'ingest' }]);
  });

  it.each([
    ['timezone: Mars/Olympus\n', /timezone: expected an IANA time zone/],
    ['organisation:\n  - id: Health Dept\n    name: Health\n', /organisation\[0\]\.id: expected a lower-case id/],
    ['colour: blue\n', /\(top level\): remove or correct "colour"/],
    [
      'auth:\n  tokens:\n    - name: x\n      token: ${MISSING_TOKEN}\n      role: viewer\n',
      /auth\.tokens\[0\]\.token: refers to \$\{MISSING_TOKEN\}, which is not set/,
    ],
    [
      'auth:\n  tokens:\n    - name: x\n      token: short\n      role: viewer\n',
      /auth\.tokens\[0\]\.token: tokens must be at least 16 characters/,
    ],
    ['demo: maybe\n', /demo: /],
    ['server: [\n', /not valid YAML/],
  ])('refuses a wrong file with the key and the fix (%s)', (text, message) => {
    expect(() => loadConfig({ DEMING_CONFIG: configFile(text) })).toThrow(message);
  });

  it('refuses wrong environment values by name', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: expected a port number/);
    expect(() => loadConfig({ DEMING_DEMO: 'sometimes' })).toThrow(/DEMING_DEMO: expected auto, on or off/);
    expect(() => loadConfig({ DEMING_TZ: 'Nowhere/Else' })).toThrow(/DEMING_TZ/);
    expect(() => loadConfig({ DEMING_CONFIG: '/no/such/file.yaml' })).toThrow(ConfigError);
  });

  it('reads the door and limits keys from the file, the environment winning', () => {
    const file = configFile(
      [
        'server:',
        '  publicUrl: https://deming.example.gov',
        '  allowedHosts: [deming.internal, "10.1.2.3:3000"]',
        '  trustProxy: ["127.0.0.1", "10.0.0.0/8"]',
        'auth:',
        '  loopbackRoles: [viewer]',
        '  tokens:',
        '    - { name: ci, token: ci-token-0123456789, role: ingest }',
        'limits:',
        '  earliest: 2000-01-01',
        '  eventsPerRequest: 1000',
        '  roomsPerSocket: 20',
        '  body: 2mb',
        '',
      ].join('\n'),
    );
    const c = loadConfig({ DEMING_CONFIG: file });
    expect(c.server.publicUrl?.origin).toBe('https://deming.example.gov');
    expect(c.server.allowedHosts).toEqual(['deming.internal', '10.1.2.3:3000']);
    expect(c.server.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(c.loopbackRoles).toEqual(['viewer']);
    expect(c.limits).toMatchObject({
      earliest: Date.parse('2000-01-01T00:00:00Z'),
      eventsPerRequest: 1000,
      roomsPerSocket: 20,
      ndjsonLines: 100_000,
      jsonDepth: 64,
      validationErrors: 50,
    });
    expect(c.bodyLimit).toBe('2mb');
    const e = loadConfig({
      DEMING_CONFIG: file,
      DEMING_TRUST_PROXY: '2',
      DEMING_LOOPBACK_ROLES: 'none',
      DEMING_PUBLIC_URL: 'http://deming.test:8080',
      DEMING_ALLOWED_HOSTS: 'A.example, b.example',
    });
    expect(e.server).toMatchObject({ trustProxy: 2, allowedHosts: ['a.example', 'b.example'] });
    expect(e.server.publicUrl?.host).toBe('deming.test:8080');
    expect(e.loopbackRoles).toEqual([]);
  });

  it('gives roles by address only to the zero-config local start', () => {
    expect(loadConfig({}).loopbackRoles).toEqual(['viewer', 'editor', 'ingest', 'admin']);
    expect(loadConfig({ DEMING_VIEWER_TOKEN: 'viewer-token-0123456789' }).loopbackRoles).toEqual([]);
    expect(loadConfig({ HOST: '0.0.0.0' }).loopbackRoles).toEqual([]);
    expect(loadConfig({ DEMING_INGEST_TOKEN: 'ingest-token-0123456789', DEMING_LOOPBACK_ROLES: 'viewer,editor' }).loopbackRoles).toEqual([
      'viewer',
      'editor',
    ]);
    expect(loadConfig({}).server.trustProxy).toBe(false);
  });

  it.each([
    ['server:\n  trustProxy: everyone\n', /server\.trustProxy: expected a hop count/],
    ['server:\n  publicUrl: deming.example.gov\n', /server\.publicUrl: expected the URL people open/],
    ['server:\n  allowedHosts: ["https://x.example/path"]\n', /server\.allowedHosts\[0\]: expected a host name/],
    ['auth:\n  loopbackRoles: [root]\n', /auth\.loopbackRoles\[0\]/],
    ['limits:\n  eventsPerRequest: 0\n', /limits\.eventsPerRequest: must be at least 1/],
    ['limits:\n  earliest: long ago\n', /limits\.earliest: expected a date/],
    ['limits:\n  perMinute: 5\n', /limits: remove or correct "perMinute"/],
  ])('refuses a wrong door or limits key by name (%s)', (text, message) => {
    expect(() => loadConfig({ DEMING_CONFIG: configFile(text) })).toThrow(message);
  });

  it('refuses wrong door values in the environment by name', () => {
    expect(() => loadConfig({ DEMING_TRUST_PROXY: 'yes please' })).toThrow(/DEMING_TRUST_PROXY: "yes please" is not an address/);
    expect(() => loadConfig({ DEMING_TRUST_PROXY: '99' })).toThrow(/DEMING_TRUST_PROXY: expected a hop count/);
    expect(() => loadConfig({ DEMING_LOOPBACK_ROLES: 'viewer,root' })).toThrow(/DEMING_LOOPBACK_ROLES: "root" is not a role/);
    expect(() => loadConfig({ DEMING_PUBLIC_URL: 'ftp://x' })).toThrow(/DEMING_PUBLIC_URL: expected the URL/);
    expect(() => loadConfig({ DEMING_ALLOWED_HOSTS: 'a.example,https://b.example/' })).toThrow(
      /DEMING_ALLOWED_HOSTS: "https:\/\/b\.example\/" is not a host name/,
    );
  });

  it('refuses to listen beyond loopback without viewer auth', async () => {
    await expect(startTestServer({ HOST: '0.0.0.0' })).rejects.toThrow(/without viewer auth.*DEMING_VIEWER_TOKEN/);
  });
});

describe('demo data', () => {
  it('loads the demo organisation into an empty, unconfigured database, once', async () => {
    const s = await startTestServer({ DEMING_DEMO: 'auto' });
    try {
      const org = await (await fetch(`${s.url}/api/v1/org`)).json();
      expect(org.demo).toBe(true);
      expect(org.departments).toHaveLength(3);
      expect(org.teams.length).toBeGreaterThanOrEqual(8);
      expect(org.services.length).toBeGreaterThanOrEqual(20);
      const m = await (await fetch(`${s.url}/api/v1/metrics?scope=org`)).json();
      expect(m.deploymentFrequency.count).toBeGreaterThan(100);
      expect(m.speedup).toBeGreaterThan(50);
    } finally {
      await s.stop();
    }
  });

  it('stays off when a real source or organisation is configured', async () => {
    const file = configFile('organisation:\n  - id: d\n    name: D\n    teams: []\n');
    const s = await startTestServer({ DEMING_DEMO: 'auto', DEMING_CONFIG: file });
    try {
      const org = await (await fetch(`${s.url}/api/v1/org`)).json();
      expect(org.demo).toBe(false);
      expect(org.services).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});
