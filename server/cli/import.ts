/**
 * `npx deming import <file.ndjson>`: native events, one JSON object per line (what
 * `npx deming export --format ndjson` writes), through the one ingest path in batches of 1,000.
 * The whole file is checked first, so a bad line stores nothing and is reported by its number.
 * An event with a timestamp before limits.earliest or more than a day ahead is skipped and
 * counted in the summary, as a collector does.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { IngestValidationError, skippedSentence, validateEvents, type FieldIssue } from '../../common/validate-events';
import { ConfigError } from '../config';
import { CommandUsageError, openLocalStore, parseOptions } from './local';
import { createProgress } from './progress';
import type { CliCommand } from './index';

const USAGE = 'import <file.ndjson> [--batch-size 1000] [--config file]';
const MAX_REPORTED = 20;

interface Batch {
  values: unknown[];
  lines: number[];
}

/** The file's non-empty lines as JSON values, in batches; a line that is not JSON becomes an issue. */
async function* batchesOf(file: string, size: number, issues: FieldIssue[]): AsyncGenerator<Batch> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let batch: Batch = { values: [], lines: [] };
  let n = 0;
  for await (const raw of lines) {
    n++;
    const line = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    try {
      batch.values.push(JSON.parse(line));
      batch.lines.push(n);
    } catch (e) {
      issues.push({
        path: `line ${n}`,
        message: `not valid JSON (${(e as Error).message.slice(0, 100)}): write one event object per line`,
      });
      continue;
    }
    if (batch.values.length >= size) {
      yield batch;
      batch = { values: [], lines: [] };
    }
  }
  if (batch.values.length > 0) yield batch;
}

/** Checks every line; returns how many events the file holds. */
async function check(file: string, size: number, issues: FieldIssue[]): Promise<number> {
  let total = 0;
  for await (const b of batchesOf(file, size, issues)) {
    try {
      total += validateEvents(b.values, (i) => `line ${b.lines[i]}`).length;
    } catch (e) {
      if (!(e instanceof IngestValidationError)) throw e;
      issues.push(...e.details);
    }
    if (issues.length >= MAX_REPORTED) break;
  }
  return total;
}

/** Runs `import` with the arguments after the command name; returns the exit code. */
export async function importFile(args: string[]): Promise<number> {
  let file: string, size: number, configFile: string | undefined;
  try {
    const { values, positionals } = parseOptions(args, { 'batch-size': { type: 'string', default: '1000' }, config: { type: 'string' } });
    if (positionals.length !== 1) throw new CommandUsageError(`expected one file of NDJSON events, got ${positionals.length}.`);
    [file] = positionals;
    size = Number(values['batch-size']);
    if (!Number.isInteger(size) || size < 1 || size > 10_000)
      throw new CommandUsageError('--batch-size: expected a whole number from 1 to 10000.');
    if (!existsSync(file)) throw new CommandUsageError(`${file} does not exist.`);
    configFile = values.config;
  } catch (e) {
    if (e instanceof CommandUsageError) {
      console.error(`deming import: ${e.message}\nUsage: npx deming ${USAGE}`);
      return 2;
    }
    throw e;
  }

  const issues: FieldIssue[] = [];
  const total = await check(file, size, issues);
  if (issues.length > 0) {
    for (const i of issues.slice(0, MAX_REPORTED)) console.error(`${file}: ${i.path}: ${i.message}`);
    console.error(
      `deming import: nothing was imported; fix ${issues.length >= MAX_REPORTED ? 'these lines (and maybe more)' : issues.length === 1 ? 'the line above' : 'the lines above'} and run it again.`,
    );
    return 2;
  }

  let store;
  try {
    store = await openLocalStore(configFile, { forWriting: true });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`deming import: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const started = Date.now();
  const progress = createProgress({ label: 'import', unit: 'events' });
  const sum = { accepted: 0, updated: 0, unchanged: 0 };
  let done = 0;
  try {
    progress.update(0, total);
    for await (const b of batchesOf(file, size, [])) {
      const r = await store.ingest(b.values, { pathOf: (i) => `line ${b.lines[i]}` });
      sum.accepted += r.accepted;
      sum.updated += r.updated;
      sum.unchanged += r.unchanged;
      done += b.values.length;
      progress.update(done, total);
    }
  } finally {
    await store.close();
  }
  const skipped = store.skipped.count > 0 ? ` ${skippedSentence(store.skipped)}.` : '';
  progress.finish(
    `Imported ${done - store.skipped.count} events from ${file} into ${store.config.dbFile} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${sum.accepted} new, ${sum.updated} updated, ${sum.unchanged} unchanged.${skipped}`,
  );
  return 0;
}

const command: CliCommand = {
  summary: 'Import native events from an NDJSON file (such as an export of another instance).',
  usage: USAGE,
  run: importFile,
};
export default command;
