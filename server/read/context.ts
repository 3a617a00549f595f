/** What a read service takes from the app context (never a request or a response). */
import type { Config } from '../config';
import type { ReadState } from './state';

export interface ReadContext {
  reads: ReadState;
  config: Config;
  /** Whether the database holds generated demo data. */
  demo: () => boolean;
}

/**
 * One answer of a read service: the JSON body, and the rows (with their columns, so a list
 * with no rows still has its header) that its CSV holds, named for the file.
 */
export interface Table<B = unknown> {
  body: B;
  rows: Record<string, unknown>[];
  name: string;
  columns?: readonly string[];
}

export const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
