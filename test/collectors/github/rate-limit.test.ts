/**
 * When GitHub's rate limit is spent: a reset within the wait the run allows is waited for (and
 * shown on the progress line), and the run completes; one further off stops the run, which says
 * when it resets, and the next run goes on where it stopped.
 */
import { describe, expect, it } from 'vitest';
import { acme } from '../../fakes/github/acme';
import { startFakeGithub } from '../../fakes/github/server';
import { eitherDb } from '../../helpers/either-store';
import { acmeConfig, collect, dumpDb } from './helpers';

describe('a spent rate limit', () => {
  it('that resets soon is waited for, shown in progress, and the run completes the history', async () => {
    const fake = await startFakeGithub(acme(), { tokens: ['test-token'] });
    const t = await eitherDb();
    const full = await eitherDb();
    try {
      const config = acmeConfig(fake.apiUrl);
      await collect(full, config);
      fake.rateLimit.core.remaining = 2;
      fake.rateLimit.core.reset = Math.floor(Date.now() / 1000) + 3;
      const waits: number[] = [];
      const run = await collect(t, config, {
        client: { timing: { retryBaseMs: 1000, graphqlIntervalMs: 0, retries: 2, maxWaitSeconds: 5, resetWaitSeconds: 8 } },
        progress: (p) => {
          if (p.waitingUntil) waits.push(p.waitingUntil);
        },
      });
      expect(fake.requests.filter((r) => r.status === 403)).toHaveLength(1);
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThanOrEqual(fake.rateLimit.core.reset * 1000 - 3600_000);
      expect(waits[0]).toBeGreaterThan(Date.now() - 10_000);
      expect(run.errors.map((e) => e.resource)).toEqual(['acme/gone']);
      expect(await dumpDb(t)).toEqual(await dumpDb(full));
    } finally {
      await fake.close();
      await t.cleanup();
      await full.cleanup();
    }
  }, 60_000);

  it('skips the remaining repositories with the reason, and the next run completes the history', async () => {
    const scenario = acme();
    const fake = await startFakeGithub(scenario, { tokens: ['test-token'] });
    const t = await eitherDb();
    const full = await eitherDb();
    try {
      const config = acmeConfig(fake.apiUrl);
      fake.rateLimit.core.remaining = 6;
      const spent = await collect(t, config);
      const reason = /^GitHub's rate limit is spent \(403\); it resets at \d{4}-\d\d-\d\d \d\d:\d\d UTC: API rate limit exceeded/;
      expect(spent.repositories.map((r) => r.name)).toEqual(['acme/api', 'acme/jobs', 'acme/gone', 'acme/web']);
      expect(spent.repositories[0].error).toMatch(reason);
      for (const r of spent.repositories.slice(1))
        expect(r).toMatchObject({ requests: 0, error: expect.stringMatching(/^skipped: GitHub's rate limit is spent/) });
      expect(fake.requests.filter((r) => r.status === 403)).toHaveLength(1);

      fake.rateLimit.core.remaining = 5000;
      const after = await collect(t, config);
      expect(after.errors.map((e) => e.resource)).toEqual(['acme/gone']);
      await collect(full, config);
      expect(await dumpDb(t)).toEqual(await dumpDb(full));
    } finally {
      await fake.close();
      await t.cleanup();
      await full.cleanup();
    }
  });
});
