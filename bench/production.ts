/**
 * What a changed production pattern costs at start (issue 16): `npm run bench -- production
 * [--size dept|gov] [--services N] [--months N]`. Ingests the scale benchmark's province
 * (bench/scale-generate.ts: production and staging deployments) under the default pattern, then
 * times the start's re-evaluation (db/production.ts) three times: with the same pattern (the
 * usual start), with a pattern that also counts `staging` (every service's staging deployments
 * join production and every service is linked again from its first), and back to the default.
 * Then times a source's declared environments changing (collectors/shared/declared.ts, through
 * the ingest service as the server's start does): the first start that keeps the declaration
 * (every stored deployment of the source read, none sent), a usual start (one setting read), and a
 * declaration that renames every `staging` deployment to `production` (each sent again and linked).
 * Prints a JSON report and writes it to bench/results/production-<size>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validateEvents } from '../common/validate-events';
import { teamResolver } from '../common/org';
import { openStore } from '../db/store';
import { remapDeclaredEnvironments, type Declaration } from '../collectors/shared/declared';
import { createIngest } from '../server/ingest';
import { SIZES, SOURCE, batches, organisationOf, type ScaleShape } from './scale-generate';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
const log = (msg: string) => process.stderr.write(`production: ${msg}\n`);
const round = (x: number) => Math.round(x * 10) / 10;

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: { size: { type: 'string', default: 'dept' }, services: { type: 'string' }, months: { type: 'string' } },
    allowPositionals: true,
  });
  const size = values.size as 'dept' | 'gov';
  if (!(size in SIZES)) throw new Error(`production: --size must be dept or gov, not "${size}"`);
  const shape: ScaleShape = {
    ...SIZES[size],
    backfill: { services: 0, events: 0 },
    ...(values.services ? { services: Number(values.services) } : {}),
    ...(values.months ? { months: Number(values.months) } : {}),
  };
  const dir = mkdtempSync(join(tmpdir(), 'deming-bench-production-'));
  const store = openStore(join(dir, 'deming.db'), { check: 'off' });
  try {
    const organisation = organisationOf(shape);
    await store.syncOrganisation(organisation);
    const defaultPattern = /^prod(uction)?$/i;
    const opts = { production: defaultPattern, now: shape.end, resolveTeam: teamResolver(organisation) };
    await store.reevaluateProduction(defaultPattern);
    let events = 0;
    const t0 = performance.now();
    for (const batch of batches(shape, { withholdBackfill: false })) {
      await store.ingestBatch(validateEvents(batch), opts);
      events += batch.length;
    }
    log(`ingested ${events.toLocaleString('en')} events in ${round((performance.now() - t0) / 1000)} s`);
    const db = store.connection;
    const count = (where: string) => db.prepare(`SELECT count(*) FROM deployments WHERE ${where}`).pluck().get() as number;
    const shippedLinks = () => db.prepare('SELECT count(*) FROM deployment_changes').pluck().get() as number;

    const timed = async (label: string, pattern: RegExp) => {
      const start = performance.now();
      const r = await store.reevaluateProduction(pattern);
      const ms = performance.now() - start;
      log(`${label}: ${r.changed.toLocaleString('en')} deployments re-evaluated, ${r.services} services linked again in ${round(ms)} ms`);
      return {
        label,
        pattern: r.pattern,
        changed: r.changed,
        services: r.services,
        ms: round(ms),
        productionDeployments: count('is_production = 1'),
        shippedLinks: shippedLinks(),
      };
    };
    const steps = [
      await timed('same pattern (a usual start)', defaultPattern),
      await timed('staging counts too', /^(prod(uction)?|staging)$/i),
      await timed('back to the default', defaultPattern),
    ];
    // A source's declared environments: the same twice, then `staging` declared to be `production`.
    const ingest = createIngest({ store, config: { production: defaultPattern, organisation }, now: () => shape.end, log });
    const declaration = (fingerprint: string, rename: boolean): Declaration => ({
      source: SOURCE,
      fingerprint,
      mapper: async () => (d) => (rename && d.environment === 'staging' ? { ...d, environment: 'production' } : null),
    });
    const declared = async (label: string, d: Declaration) => {
      const start = performance.now();
      const [r] = await remapDeclaredEnvironments(store, [d], (events) => ingest.storeNow({ events, outOfRange: 'skip' }));
      const ms = performance.now() - start;
      log(`declared environments, ${label}: ${r?.read ?? 0} deployments read, ${r?.sent ?? 0} sent again in ${round(ms)} ms`);
      return {
        label,
        read: r?.read ?? 0,
        sent: r?.sent ?? 0,
        ms: round(ms),
        productionDeployments: count('is_production = 1'),
        shippedLinks: shippedLinks(),
      };
    };
    const declaredSteps = [
      await declared('first start, declaration kept', declaration('as collected', false)),
      await declared('same declaration (a usual start)', declaration('as collected', false)),
      await declared('staging declared production', declaration('staging is production', true)),
    ];
    const report = {
      bench: 'production',
      size,
      shape: { services: shape.services, months: shape.months, seed: shape.seed },
      machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      events,
      deployments: count('1 = 1'),
      steps,
      declaredSteps,
    };
    mkdirSync(resultsDir, { recursive: true });
    const reduced = values.services || values.months ? '-reduced' : '';
    writeFileSync(join(resultsDir, `production-${size}${reduced}.json`), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
