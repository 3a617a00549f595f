/**
 * What a newcomer meets on the command line, run as an operator would: a port in use, a backup
 * into a folder that is not there, and a config file with several mistakes (one a misspelt
 * key) answered with every problem at once, each with its fix; never a stack trace.
 */
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/process';

const dir = mkdtempSync(join(tmpdir(), 'deming-newcomer-'));
let blocker: Server;
let port = 0;

beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  port = (blocker.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
});

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m);

describe('newcomer friction on the command line', () => {
  it('says which port is in use and how to pick another, without a stack trace', async () => {
    const r = await runCli(['start'], { DEMING_DB: join(dir, 'port.db'), PORT: String(port), HOST: '127.0.0.1', DEMING_DEMO: 'off' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Deming cannot start: port ${port} on 127.0.0.1 is in use`);
    expect(r.stderr).toContain('PORT=3001');
    noStack(r.stderr);
  }, 30_000);

  it('refuses a backup into a folder that does not exist, saying to create it, and writes nothing', async () => {
    const db = join(dir, 'backup.db');
    writeFileSync(db, '');
    const target = join(dir, 'no-such-folder', 'deming.db');
    const r = await runCli(['backup', target], { DEMING_DB: db, DEMING_DEMO: 'off' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the folder ${join(dir, 'no-such-folder')} does not exist: create it first`);
    expect(r.stderr).not.toContain('TypeError');
    noStack(r.stderr);
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
    // A folder named as the file: the fix names a file in it.
    const inFolder = await runCli(['backup', dir], { DEMING_DB: db, DEMING_DEMO: 'off' });
    expect(inFolder.code).toBe(2);
    expect(inFolder.stderr).toMatch(/is a folder: name a file in it, e\.g\. `npx deming backup .+deming-\d{4}-\d{2}-\d{2}\.db`/);
  }, 30_000);

  it('reports every config problem at once, with "did you mean" for a misspelt key', async () => {
    const file = join(dir, 'deming.config.yaml');
    writeFileSync(
      file,
      [
        'organization:',
        '  - id: health',
        '    name: Health',
        '    teams: []',
        'timezone: Mars/Olympus',
        'limits:',
        '  eventsPerRequest: 0',
        'loops:',
        '  cadenceDay: 7',
        'favouriteColour: blue',
        '',
      ].join('\n'),
    );
    const r = await runCli(['start'], { DEMING_DB: join(dir, 'config.db'), DEMING_CONFIG: file, PORT: 'eighty', DEMING_DEMO: 'sometimes' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('problems in the configuration:');
    expect(r.stderr).toContain('(top level): remove or correct "organization": did you mean "organisation"?');
    expect(r.stderr).toContain('loops: remove or correct "cadenceDay": did you mean "cadenceDays"?');
    expect(r.stderr).toMatch(/\(top level\): remove or correct "favouriteColour" \(the settings here are server, database, .*organisation/);
    expect(r.stderr).toContain('timezone: expected an IANA time zone');
    expect(r.stderr).toContain('limits.eventsPerRequest: must be at least 1');
    expect(r.stderr).toContain('PORT: expected a port number from 0 to 65535, got "eighty"');
    expect(r.stderr).toContain('DEMING_DEMO: expected auto, on or off, got "sometimes"');
    noStack(r.stderr);
  }, 30_000);
});
