/** The CDEvents spec's own conformance examples, read where the spec is kept, at test time. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SPEC_DIR = '/work/shared/cdevents';

export const conformance = (version: string, name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(SPEC_DIR, version, 'conformance', `${name}.json`), 'utf8'));
