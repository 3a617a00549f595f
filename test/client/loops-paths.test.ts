import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSectionPath, loopsPath, parseSectionPath, retroPath, retroSearch, withoutLoop } from '../../client/lib/loops-paths';
import { failedDeployments, incidentRows, type DeploymentItem } from '../../client/lib/loops-retro';
import { sendJson, WriteError } from '../../client/lib/loops-api';

describe('loops and retro paths', () => {
  it("puts the scope page's path under /loops and /retro, and reads it back", () => {
    expect(loopsPath('team:appointments')).toBe('/loops/team/appointments');
    expect(retroPath('service:gov/records api')).toBe('/retro/service/gov/records%20api');
    expect(parseSectionPath('/loops/service/gov/records%20api')).toEqual({ section: 'loops', scope: 'service:gov/records api' });
    expect(parseSectionPath(loopsPath('org'))).toEqual({ section: 'loops', scope: 'org' });
    expect(parseSectionPath('/loops')).toEqual({ section: 'loops', scope: 'org' });
    expect(parseSectionPath('/retro/team/a/')).toEqual({ section: 'retro', scope: 'team:a' });
    expect(parseSectionPath('/loopsy/team/a')).toBeNull();
    expect(parseSectionPath('/loops/planet/a')).toBeNull();
    expect([isSectionPath('/retro'), isSectionPath('/team/a')]).toEqual([true, false]);
  });

  it('links a retro with the loop and its own days, and drops the loop for another view', () => {
    expect(retroSearch({ id: '42', from: '2026-03-02T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z' })).toBe(
      '?from=2026-03-02&to=2026-03-15&loop=42',
    );
    expect(withoutLoop('?from=2026-01-01&loop=42')).toBe('?from=2026-01-01');
    expect(withoutLoop('?loop=cadence%3A2026-01-05')).toBe('');
  });
});

describe('retro figures', () => {
  const deployment = (o: Partial<DeploymentItem>): DeploymentItem => ({
    service: 's',
    id: 'd',
    source: 'x',
    environment: 'production',
    production: true,
    status: 'success',
    sha: null,
    startedAt: null,
    finishedAt: '2026-03-03T10:00:00Z',
    rework: false,
    url: null,
    changes: 1,
    causedIncident: false,
    unplanned: false,
    ...o,
  });

  it('keeps production deployments that failed or caused an incident, saying why', () => {
    const rows = failedDeployments([
      deployment({ id: 'ok' }),
      deployment({ id: 'failed', status: 'failure' }),
      deployment({ id: 'caused', causedIncident: true }),
      deployment({ id: 'both', status: 'failure', causedIncident: true }),
      deployment({ id: 'staging', status: 'failure', production: false }),
    ]);
    expect(rows.map((d) => [d.id, d.why])).toEqual([
      ['failed', 'The deployment failed'],
      ['caused', 'Caused an incident'],
      ['both', 'The deployment failed and caused an incident'],
    ]);
  });

  it('gives incidents their time to restore, open ones first, then the longest', () => {
    const base = { service: 's', source: 'x', severity: null, deploymentId: null, rootCauseSha: null, title: null, url: null };
    const rows = incidentRows([
      { ...base, id: 'short', openedAt: '2026-03-03T10:00:00Z', resolvedAt: '2026-03-03T10:20:00Z' },
      { ...base, id: 'open', openedAt: '2026-03-04T10:00:00Z', resolvedAt: null },
      { ...base, id: 'long', openedAt: '2026-03-03T10:00:00Z', resolvedAt: '2026-03-03T12:00:00Z' },
    ]);
    expect(rows.map((r) => [r.id, r.restore])).toEqual([
      ['open', null],
      ['long', 7200],
      ['short', 1200],
    ]);
  });
});

describe('sendJson', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.method === 'DELETE') {
        res.writeHead(204).end();
        return;
      }
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        if (req.headers['content-type'] !== 'application/json') {
          res.writeHead(415).end();
          return;
        }
        const sent = JSON.parse(body) as { name?: string };
        if (sent.name) {
          res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: '9' }));
          return;
        }
        res.writeHead(400, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            error: {
              code: 'invalid_loop',
              message: 'name: must not be empty',
              details: [{ path: 'name', message: 'must not be empty' }, { bad: 1 }],
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers the JSON reply, or null for 204', async () => {
    await expect(sendJson('POST', `${base}/loops`, { name: 'A' })).resolves.toEqual({ id: '9' });
    await expect(sendJson('DELETE', `${base}/loops/9`)).resolves.toBeNull();
  });

  it("throws the server's message with the fields it names", async () => {
    const error = await sendJson('POST', `${base}/loops`, { name: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect(error).toMatchObject({
      message: 'name: must not be empty',
      status: 400,
      code: 'invalid_loop',
      details: [{ path: 'name', message: 'must not be empty' }],
    });
  });

  it('says when the server cannot be reached', async () => {
    await expect(sendJson('POST', 'http://127.0.0.1:9/loops', {})).rejects.toMatchObject({ code: 'network' });
  });
});
