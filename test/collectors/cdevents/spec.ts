/**
 * The CDEvents spec's own conformance examples, read where the spec is kept, at test time:
 * `shared/cdevents` beside the repository (as CI and the workplace lay it out), or the folder
 * named by DEMING_CDEVENTS_SPEC.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const candidates = [process.env.DEMING_CDEVENTS_SPEC, join(repo, '..', 'shared', 'cdevents'), '/work/shared/cdevents'];

export const SPEC_DIR = candidates.find((c): c is string => Boolean(c && existsSync(c))) ?? join(repo, '..', 'shared', 'cdevents');

export const conformance = (version: string, name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(SPEC_DIR, version, 'conformance', `${name}.json`), 'utf8'));
