/**
 * The options every `collect` of a code host takes: what to collect (`--repo` for GitHub,
 * `--project` for GitLab, given again for more), `--since` (a span such as 90d or a date) and
 * `--config`; and the number format of their reports.
 */
import { parseDuration } from '../../collectors/github/config';
import { CommandUsageError } from './local';

export interface CollectArgs {
  names: string[];
  since?: number;
  config?: string;
}

/** `flag` names what to collect; `problem` says what is wrong with a value, or null. */
export function parseCollectArgs(
  args: string[],
  now: number,
  what: { flag: string; example: string; problem: (v: string) => string | null },
): CollectArgs {
  const out: CollectArgs = { names: [] };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v.startsWith('--')) throw new CommandUsageError(`${flag} needs a value.`);
      return v;
    };
    if (flag === what.flag) {
      const v = value();
      const problem = what.problem(v);
      if (problem) throw new CommandUsageError(`${what.flag}: ${problem}.`);
      out.names.push(v);
    } else if (flag === '--since') {
      const v = value();
      const asDate = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v) : NaN;
      const span = Number.isNaN(asDate) && /^\d+[smhd]$/.test(v) ? parseDuration(v) : null;
      if (Number.isNaN(asDate) && span === null)
        throw new CommandUsageError(`--since: expected a span such as 90d or 12h, or a date such as 2026-01-01, got "${v}".`);
      out.since = Number.isNaN(asDate) ? now - span! : asDate;
    } else if (flag === '--config') {
      out.config = value();
    } else {
      throw new CommandUsageError(`unknown option "${args[i]}". Options: ${what.flag} ${what.example}, --since 90d, --config file.`);
    }
  }
  return out;
}

export const thousands = (n: number | null | undefined) => (n === null || n === undefined ? '?' : n.toLocaleString('en'));
