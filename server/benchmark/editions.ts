/**
 * The editions of DORA's Quick Check that the benchmark can compare with: one JSON file per
 * edition in `benchmarks/` (`dora-quick-check-<edition>.json`), so a new edition is data.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { z } from 'zod';

/** Where the edition files are shipped, beside the code. */
export const BENCHMARK_DIR = fileURLToPath(new URL('../../benchmarks/', import.meta.url));
export const DEFAULT_EDITION = '2025';
const FILE = /^dora-quick-check-(.+)\.json$/;

const stat = z.object({ mean: z.number(), std: z.number().positive() }).strict();
const industry = z
  .object({
    name: z.string(),
    leadtime: stat,
    deployfreq: stat,
    changefailure: stat,
    failurerecovery: stat,
    rework: stat,
    performance_average: stat,
  })
  .strict();
const editionSchema = z
  .object({
    source: z.string(),
    scoring: z.record(z.string(), z.unknown()),
    answers: z.record(z.string(), z.unknown()),
    industries: z.record(z.string(), industry).refine((i) => 'government' in i && 'all' in i, 'needs the government and all industries'),
  })
  .strict();
export type Edition = z.infer<typeof editionSchema>;
export type Industry = z.infer<typeof industry>;

/** The editions shipped, oldest first. */
export function benchmarkEditions(): string[] {
  if (!existsSync(BENCHMARK_DIR)) return [];
  return readdirSync(BENCHMARK_DIR)
    .map((f) => FILE.exec(f)?.[1])
    .filter((e): e is string => e !== undefined)
    .sort();
}

export const isBenchmarkEdition = (edition: string) => benchmarkEditions().includes(edition);

const loaded = new Map<string, Edition>();
/** An edition's data, read and checked once. */
export function loadEdition(edition: string): Edition {
  let e = loaded.get(edition);
  if (!e) {
    if (!isBenchmarkEdition(edition)) throw new Error(`No benchmark edition ${edition}: use one of ${benchmarkEditions().join(', ')}.`);
    e = editionSchema.parse(JSON.parse(readFileSync(join(BENCHMARK_DIR, `dora-quick-check-${edition}.json`), 'utf8')));
    loaded.set(edition, e);
  }
  return e;
}
