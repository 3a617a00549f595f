/**
 * The configuration, parsed once: `deming.config.yaml` (optional) and the environment, which
 * wins. A wrong file stops the start with a message naming the key and the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { organisationConfig, type OrganisationConfig } from '../common/org';
import { isValidTimeZone } from './metrics/calendar';
import { isPasswordHash } from './passwords';
import { oidcSchema, type OidcSettings } from './oidc';
import { githubSourceSchema, resolveGithubSettings, type GithubSettings } from '../collectors/github/config';
import { incidentsSchema, resolveIncidentSettings, type IncidentSettings } from '../collectors/incidents/sources';
import { gitlabEvidence, gitlabSourceSchema, resolveGitlabSettings, type GitlabSettings } from '../collectors/gitlab/config';

import { roles, type Role } from './roles';
import { isLoopback } from './door';
import { evidenceMatcher, type EvidenceEntry, type EvidenceSettings } from './metrics/evidence';
import { benchmarkEditions, DEFAULT_EDITION, isBenchmarkEdition } from './benchmark/editions';
import { isPostgresUrl, MAX_POOL_SIZE, POSTGRES_URL_EXAMPLE, type PostgresSettings } from '../db/postgres/settings';

export { roles, type Role };

const date = z.iso.date({ error: 'expected a date such as 2026-01-05' });
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** A host name or address as it appears in a Host header (no scheme, no path; a port is allowed). */
const hostPattern = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

/** A hop count, or the addresses and networks of the proxies to trust (`10.0.0.0/8`, `::1`). */
const trustProxySchema = z.union(
  [
    z.number().int().min(0).max(10),
    z.array(z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'expected an address or a network such as 10.0.0.0/8')).min(1),
  ],
  { error: 'expected a hop count (1 for one proxy in front) or a list of proxy addresses such as ["127.0.0.1", "10.0.0.0/8"]' },
);

const positive = (max: number) => z.number().int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`);
const limitsSchema = z
  .object({
    /** Timestamps before this date are refused (and skipped by collectors). */
    earliest: date.optional(),
    eventsPerRequest: positive(1_000_000).optional(),
    ndjsonLines: positive(10_000_000).optional(),
    jsonDepth: positive(1000).optional(),
    validationErrors: positive(10_000).optional(),
    roomsPerSocket: positive(100_000).optional(),
    /** The largest request body, such as 5mb. */
    body: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'expected a size such as 5mb')
      .optional(),
    signInAttempts: positive(1000).optional(),
    signInLockMinutes: positive(24 * 60).optional(),
  })
  .strict();

const fileSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65535).optional(),
        host: z.string().optional(),
        publicUrl: z.url({ protocol: /^https?$/, error: 'expected the URL people open, such as https://deming.example.gov' }).optional(),
        allowedHosts: z
          .array(z.string().regex(hostPattern, 'expected a host name such as deming.internal, without scheme or path'))
          .optional(),
        trustProxy: trustProxySchema.optional(),
      })
      .strict()
      .optional(),
    /**
     * The SQLite file (a path), or PostgreSQL: a postgres:// URL, or `{url, caFile, poolSize}`
     * (README, "Running on PostgreSQL"). A string is read as `{file}` or `{url}`.
     */
    database: z
      .preprocess(
        (v) => (typeof v === 'string' ? (isPostgresUrl(v) ? { url: v } : { file: v }) : v),
        z
          .object({
            file: z.string().min(1).optional(),
            url: z
              .string()
              .refine(isPostgresUrl, `expected a postgres:// or postgresql:// URL, such as ${POSTGRES_URL_EXAMPLE}`)
              .optional(),
            caFile: z.string().min(1, "expected the path of a PEM file of your database's certificate authorities").optional(),
            poolSize: positive(MAX_POOL_SIZE).optional(),
            collectorRetry: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    timezone: z.string().refine(isValidTimeZone, 'expected an IANA time zone such as "UTC" or "America/Vancouver"').optional(),
    demo: z.enum(['auto', 'on', 'off']).optional(),
    production: z.string().min(1).optional(),
    /** Where change lead time starts (DESIGN.md): the commit time, or the author time where a change has one (a rebase or cherry-pick keeps it). */
    leadTimeFrom: z
      .enum(['commit', 'author'], {
        error:
          'expected commit (lead time from the commit time, the default) or author (from the author time, which a rebase or a cherry-pick keeps)',
      })
      .optional(),
    organisation: organisationConfig.optional(),
    loops: z
      .object({ cadenceDays: z.number().int().min(1).max(366).optional(), anchor: date.optional() })
      .strict()
      .optional(),
    baseline: z
      .object({ from: date, to: date })
      .strict()
      .refine((b) => b.from < b.to, {
        error: 'to must be after from: give the baseline as {from: 2024-01-01, to: 2024-04-01}',
        path: ['to'],
      })
      .optional(),
    /** A baseline per scope, which wins over `baseline` for that scope. */
    baselines: z
      .array(
        z
          .object({
            scope: z
              .string()
              .regex(
                /^(org|(department|team):[a-z0-9][a-z0-9-]{0,62}|service:.{1,200})$/,
                'expected a scope such as department:health, team:appointments or service:owner/name',
              ),
            from: date,
            to: date,
          })
          .strict()
          .refine((b) => b.from < b.to, { error: 'to must be after from', path: ['to'] }),
      )
      .optional(),
    /** Services whose incidents are tracked since a date (DESIGN.md, "Evidence"). */
    evidence: z
      .object({
        incidents: z
          .array(
            z
              .object({
                services: z.string().min(1, 'name a service such as bcgov/app or a pattern such as bcgov/*').max(200),
                since: date.refine(
                  (d) => dayMs(d) <= Date.now(),
                  'the date is in the future: give the day incidents started being tracked, today or earlier',
                ),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .optional(),
    /** The DORA Quick Check edition the benchmark compares with (data/benchmarks/dora-quick-check-<edition>.json). */
    benchmark: z
      .object({
        edition: z.string().refine(isBenchmarkEdition, {
          error: `unknown edition: use one of ${benchmarkEditions().join(', ')} (a new edition is a file in data/benchmarks)`,
        }),
      })
      .strict()
      .optional(),
    auth: z
      .object({
        tokens: z
          .array(
            z
              .object({ name: z.string().min(1), token: z.string().min(16, 'tokens must be at least 16 characters'), role: z.enum(roles) })
              .strict(),
          )
          .optional(),
        users: z
          .array(
            z
              .object({
                username: z.string().regex(/^[A-Za-z0-9._@-]{1,100}$/, 'expected a username of letters, digits and . _ @ -'),
                passwordHash: z
                  .string()
                  .refine(isPasswordHash, 'expected a scrypt hash made by `npx deming hash-password`, never the password itself'),
                role: z.enum(roles),
              })
              .strict(),
          )
          .optional(),
        sessionHours: z
          .number()
          .positive()
          .max(24 * 30)
          .optional(),
        loopbackRoles: z.array(z.enum(roles)).optional(),
        oidc: oidcSchema.optional(),
      })
      .strict()
      .optional(),
    limits: limitsSchema.optional(),
    /** Incident sources (PagerDuty, Alertmanager) and the incident model's threshold (collectors/incidents). */
    incidents: incidentsSchema.optional(),
    sources: z
      .object({
        github: githubSourceSchema.optional(),
        gitlab: gitlabSourceSchema.optional(),
        git: z.array(z.record(z.string(), z.unknown())).optional(),
        cdevents: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof fileSchema>;

export interface Config {
  port: number;
  host: string;
  /** The SQLite file (`DEMING_DB`, `database`), used when `postgres` is null. */
  dbFile: string;
  /** PostgreSQL (`DEMING_DATABASE_URL`, `database.url`), or null for SQLite. */
  postgres: PostgresSettings | null;
  configFile: string | null;
  demo: 'auto' | 'on' | 'off';
  tz: string;
  production: RegExp;
  /** `leadTimeFrom`: lead time from the commit time (default) or from the author time where a change has one; read-time, nothing stored changes. */
  leadTimeFrom: 'commit' | 'author';
  organisation: OrganisationConfig;
  loops: { cadenceDays: number; anchor: number };
  baseline?: { from: number; to: number };
  /** `baselines`: a scope's own baseline, by scope key. */
  baselines: Record<string, { from: number; to: number }>;
  /** `evidence.incidents`: since when the named services' incidents are tracked (epoch ms). */
  evidence: EvidenceSettings;
  /** The DORA Quick Check edition of the benchmark. */
  benchmarkEdition: string;
  /** token → role; compared in constant time. */
  tokens: { name: string; token: string; role: Role }[];
  /** Users who sign in with a password (scrypt hashes only). */
  users: { username: string; passwordHash: string; role: Role }[];
  /** How long a browser session lasts. */
  sessionHours: number;
  /** Single sign-on, when configured. */
  oidc: OidcSettings | null;
  /**
   * The database check at start: `quick` unless DEMING_INTEGRITY_CHECK says `full`, or `off` (a
   * quick check reads the whole file: about 6 minutes at 10 million events).
   */
  integrityCheck: 'quick' | 'full' | 'off';
  githubWebhookSecret: string | null;
  githubToken: string | null;
  /** `server.publicUrl`, `server.allowedHosts` and `server.trustProxy` (DESIGN.md, "Security"). */
  server: ServerSettings;
  /**
   * The roles a loopback client holds without a credential (never through an untrusted proxy):
   * every role when nothing grants any and the server listens on loopback, else what
   * `auth.loopbackRoles` names (none by default).
   */
  loopbackRoles: Role[];
  /** Whether `loopbackRoles` came from the configuration rather than the zero-config default. */
  loopbackRolesConfigured: boolean;
  limits: Limits;
  /** The GitHub collector and webhook settings (`sources.github`), or null when not configured. */
  github: GithubSettings | null;
  /** The GitLab collector and webhook settings (`sources.gitlab`), or null when not configured. */
  gitlab: GitlabSettings | null;
  /** DEMING_GITLAB_WEBHOOK_SECRET or `sources.gitlab.webhookSecret`: the hook's secret token. */
  gitlabWebhookSecret: string | null;
  /** The incident sources (`incidents`): their models, collector and webhook settings. */
  incidents: IncidentSettings;
  /** Whether any real source is configured (turns the demo off in `auto`). */
  hasSources: boolean;
  bodyLimit: string;
}

export interface ServerSettings {
  publicUrl: URL | null;
  /** Host names (lower case, with or without a port) accepted in the Host header besides loopback names and publicUrl's host. */
  allowedHosts: string[];
  /** Express's `trust proxy`: false (no proxy), a hop count, or the proxies' addresses. */
  trustProxy: false | number | string[];
}

export interface Limits {
  /** Epoch ms: timestamps before it are refused. */
  earliest: number;
  eventsPerRequest: number;
  ndjsonLines: number;
  jsonDepth: number;
  /** How many validation errors are reported; validation stops there. */
  validationErrors: number;
  roomsPerSocket: number;
  signInAttempts: number;
  signInLockMs: number;
}

export const defaultLimits: Limits = {
  earliest: Date.parse('1990-01-01T00:00:00Z'),
  eventsPerRequest: 50_000,
  ndjsonLines: 100_000,
  jsonDepth: 64,
  validationErrors: 50,
  roomsPerSocket: 500,
  signInAttempts: 10,
  signInLockMs: 15 * 60_000,
};

/** Reads DEMING_TRUST_PROXY: a hop count, `false`, or comma-separated addresses. */
function trustProxyOf(env: string | undefined, file: ConfigFile['server']): ServerSettings['trustProxy'] {
  if (env === undefined) {
    const t = file?.trustProxy;
    return t === undefined || t === 0 ? false : t;
  }
  const v = env.trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n > 10) throw new ConfigError(`DEMING_TRUST_PROXY: expected a hop count from 0 to 10, got "${env}".`);
    return n;
  }
  const list = v
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const bad = list.find((a) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a));
  if (bad)
    throw new ConfigError(
      `DEMING_TRUST_PROXY: "${bad}" is not an address or network; give a hop count (1 for one proxy in front) or addresses such as 127.0.0.1,10.0.0.0/8.`,
    );
  return list;
}

/** Reads DEMING_LOOPBACK_ROLES: comma-separated roles, or `none`. */
function loopbackRolesOf(env: string | undefined): Role[] | undefined {
  if (env === undefined) return undefined;
  const v = env.trim();
  if (v === 'none' || v === '') return [];
  const list = v.split(',').map((r) => r.trim());
  const bad = list.find((r) => !(roles as readonly string[]).includes(r));
  if (bad)
    throw new ConfigError(`DEMING_LOOPBACK_ROLES: "${bad}" is not a role; expected none or a comma-separated list of ${roles.join(', ')}.`);
  return list as Role[];
}

/** What is wrong with the configuration: every problem found, each naming its key and the fix. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.length === 1 ? list[0] : `${list.length} problems in the configuration:\n${list.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = list;
  }
}

/** Edits between two words (insertions, deletions, substitutions), for "did you mean". */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The known key closest to a misspelt one (`organization` → `organisation`), when one is close enough. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const scored = known.map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) })).sort((x, y) => x.d - y.d);
  const best = scored[0];
  return best && best.d <= Math.max(1, Math.floor(key.length / 4)) ? best.k : undefined;
}

/** The keys an object of the file schema takes at `path` (optional, default, pipe and array wrappers looked through). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const unwrap = (t: unknown): unknown => {
    let cur = t as { _zod?: { def?: { innerType?: unknown; type?: string; in?: unknown } } } | undefined;
    for (let i = 0; i < 10 && cur?._zod?.def; i++) {
      const def = cur._zod.def;
      if (def.innerType) cur = def.innerType as typeof cur;
      else if (def.type === 'pipe') cur = def.in as typeof cur;
      else break;
    }
    return cur;
  };
  let at = unwrap(schema) as { shape?: Record<string, unknown>; _zod?: { def?: { element?: unknown } } } | undefined;
  for (const p of path) {
    at = unwrap(typeof p === 'number' ? at?._zod?.def?.element : at?.shape?.[String(p)]) as typeof at;
  }
  return at?.shape ? Object.keys(at.shape) : [];
}

/** Runs a section's own checks, reporting a failure as a ConfigError that names the file. */
function orConfigError<T>(file: string | null, resolve: () => T): T {
  try {
    return resolve();
  } catch (e) {
    throw new ConfigError(`${file ? `${file}: ` : ''}${(e as Error).message}`);
  }
}

/** Replaces `${NAME}` in every string with the environment's value; a missing one is an error naming the key. */
function substitute(value: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined)
        throw new ConfigError(`${path}: refers to \${${name}}, which is not set in the environment. Set ${name} or remove the reference.`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, env, path ? `${path}.${k}` : k)]));
  }
  return value;
}

function readFile(file: string, env: NodeJS.ProcessEnv): ConfigFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (e) {
    throw new ConfigError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const r = fileSchema.safeParse(substitute(raw, env, ''));
  if (!r.success) {
    // Every problem at once, each with its key; a misspelt key with the one it probably means.
    const keyOf = (path: readonly PropertyKey[]) =>
      path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
    throw new ConfigError(
      r.error.issues.flatMap((i) => {
        if (i.code !== 'unrecognized_keys') return [`${file}: ${keyOf(i.path) || '(top level)'}: ${i.message}`];
        const known = keysAt(fileSchema, i.path);
        return i.keys.map((k) => {
          const guess = suggestKey(k, known);
          return `${file}: ${keyOf(i.path) || '(top level)'}: remove or correct "${k}"${guess ? `: did you mean "${guess}"?` : known.length > 0 ? ` (the settings here are ${known.join(', ')})` : ''}`;
        });
      }),
    );
  }
  return r.data;
}

const envDemo = z.enum(['auto', 'on', 'off']);

/** Builds the configuration from the environment and the optional file. */
/**
 * `evidence.incidents`, each pattern checked against the configured organisation (when there is
 * one): an entry that names none of its services is a mistake, not a setting.
 */
function evidenceEntries(file: ConfigFile): EvidenceEntry[] {
  const named = (file.organisation ?? []).flatMap((d) => d.teams.flatMap((t) => t.services));
  return (file.evidence?.incidents ?? []).map((e, i) => {
    const matches = evidenceMatcher(e.services);
    if (named.length > 0 && !named.some((n) => matches(n) || (n.includes('*') && evidenceMatcher(n)(e.services)))) {
      throw new ConfigError(
        `evidence.incidents[${i}].services: "${e.services}" names no service of the organisation; use a name or pattern listed under organisation, such as ${named[0]}.`,
      );
    }
    return { services: e.services, since: dayMs(e.since) };
  });
}

/**
 * PostgreSQL when `DEMING_DATABASE_URL` or `database.url` names it (the environment wins, with
 * `DEMING_DATABASE_CA_FILE` and `DEMING_DATABASE_POOL_SIZE`); null for SQLite. A URL of another
 * kind is refused (by its scheme only: the URL holds a password).
 */
function postgresOf(env: NodeJS.ProcessEnv, file: ConfigFile['database']): PostgresSettings | null {
  const problems: string[] = [];
  const url = env.DEMING_DATABASE_URL ?? file?.url;
  if (env.DEMING_DATABASE_URL !== undefined && !isPostgresUrl(env.DEMING_DATABASE_URL)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(env.DEMING_DATABASE_URL)?.[1];
    problems.push(
      `DEMING_DATABASE_URL: expected a postgres:// or postgresql:// URL such as ${POSTGRES_URL_EXAMPLE}, got ${scheme ? `a ${scheme}: URL` : 'no URL'}` +
        ' (for a SQLite file, unset it and set DEMING_DB).',
    );
  }
  const poolText = env.DEMING_DATABASE_POOL_SIZE;
  const poolSize = poolText !== undefined ? Number(poolText) : file?.poolSize;
  if (poolText !== undefined && !(/^\d+$/.test(poolText.trim()) && poolSize! >= 1 && poolSize! <= MAX_POOL_SIZE)) {
    problems.push(`DEMING_DATABASE_POOL_SIZE: expected a whole number of connections from 1 to ${MAX_POOL_SIZE}, got "${poolText}".`);
  }
  const caFile = env.DEMING_DATABASE_CA_FILE ?? file?.caFile;
  // How often an instance that does not run the collectors tries to take them over (docs/scaling.md).
  const retryText = env.DEMING_COLLECTOR_RETRY ?? file?.collectorRetry;
  const retry = retryText === undefined ? undefined : /^(\d+)(s|m)$/.exec(retryText.trim());
  const collectorRetryMs = retry ? Number(retry[1]) * (retry[2] === 'm' ? 60_000 : 1000) : undefined;
  if (retryText !== undefined && !(collectorRetryMs! >= 1000 && collectorRetryMs! <= 600_000))
    problems.push(
      `DEMING_COLLECTOR_RETRY / database.collectorRetry: expected how often to try to take over the collectors, from 1s to 10m (such as 15s), got "${retryText}".`,
    );
  if (!url && (caFile !== undefined || poolSize !== undefined)) {
    problems.push(
      `${caFile !== undefined ? 'DEMING_DATABASE_CA_FILE / database.caFile' : 'DEMING_DATABASE_POOL_SIZE / database.poolSize'}: PostgreSQL settings without a database URL: set DEMING_DATABASE_URL (or database.url), or remove them for SQLite.`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (!url) return null;
  return {
    url,
    ...(caFile !== undefined ? { caFile } : {}),
    ...(poolSize !== undefined ? { poolSize } : {}),
    ...(collectorRetryMs !== undefined ? { collectorRetryMs } : {}),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argvConfig?: string): Config {
  const configFile = argvConfig ?? env.DEMING_CONFIG ?? (existsSync('deming.config.yaml') ? 'deming.config.yaml' : null);
  if (configFile && !existsSync(configFile))
    throw new ConfigError(`The config file ${configFile} does not exist: create it or unset DEMING_CONFIG.`);
  // Every problem is collected and reported at once, each naming its key; what follows a wrong
  // value goes on with its default, so the problems after it are found too.
  const problems: string[] = [];
  const check = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
      return fallback;
    }
  };
  const file: ConfigFile = configFile ? check(() => readFile(configFile, env), {}) : {};

  let port = env.PORT !== undefined ? Number(env.PORT) : (file.server?.port ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT: expected a port number from 0 to 65535, got "${env.PORT}".`);
    port = 3000;
  }
  const demo = envDemo.safeParse(env.DEMING_DEMO ?? file.demo ?? 'auto');
  if (!demo.success) problems.push(`DEMING_DEMO: expected auto, on or off, got "${env.DEMING_DEMO}".`);
  if (env.DEMING_INTEGRITY_CHECK !== undefined && !['quick', 'full', 'off'].includes(env.DEMING_INTEGRITY_CHECK)) {
    problems.push(`DEMING_INTEGRITY_CHECK: expected quick, full or off, got "${env.DEMING_INTEGRITY_CHECK}".`);
  }
  let tz = env.DEMING_TZ ?? file.timezone ?? 'UTC';
  if (!isValidTimeZone(tz)) {
    problems.push(`DEMING_TZ: "${tz}" is not a time zone; use an IANA name such as UTC or Europe/London.`);
    tz = 'UTC';
  }
  let production = /^prod(uction)?$/i;
  try {
    production = new RegExp(file.production ?? '^prod(uction)?$', 'i');
  } catch (e) {
    problems.push(
      `${configFile ? `${configFile}: ` : ''}production: "${file.production}" is not a valid regular expression (${(e as Error).message.replace(/^Invalid regular expression: /, '')}): give one such as '^(prod|production|live)$' (case is ignored), or remove the key for the default ^prod(uction)?$. Nothing was changed.`,
    );
  }

  const tokens = [...(file.auth?.tokens ?? [])];
  for (const role of roles) {
    const t = env[`DEMING_${role.toUpperCase()}_TOKEN`];
    if (t) {
      if (t.length < 16) problems.push(`DEMING_${role.toUpperCase()}_TOKEN: tokens must be at least 16 characters.`);
      else tokens.push({ name: `env:${role}`, token: t, role });
    }
  }
  const githubToken = env.GITHUB_TOKEN ?? null;

  let publicUrl: URL | null = null;
  const publicUrlText = env.DEMING_PUBLIC_URL ?? file.server?.publicUrl;
  if (publicUrlText) {
    try {
      publicUrl = new URL(publicUrlText);
    } catch {
      publicUrl = null;
    }
    if (!publicUrl || !/^https?:$/.test(publicUrl.protocol))
      problems.push(`DEMING_PUBLIC_URL: expected the URL people open, such as https://deming.example.gov, got "${publicUrlText}".`);
  }
  const allowedHosts = (
    env.DEMING_ALLOWED_HOSTS !== undefined
      ? env.DEMING_ALLOWED_HOSTS.split(',')
          .map((h) => h.trim())
          .filter(Boolean)
      : (file.server?.allowedHosts ?? [])
  ).map((h) => h.toLowerCase());
  const badHost = allowedHosts.find((h) => !hostPattern.test(h));
  if (badHost)
    problems.push(`DEMING_ALLOWED_HOSTS: "${badHost}" is not a host name; give names such as deming.internal, separated by commas.`);
  const host = env.HOST ?? file.server?.host ?? '127.0.0.1';
  const users = file.auth?.users ?? [];
  const oidc = file.auth?.oidc ?? null;
  const explicitLoopback = check(() => loopbackRolesOf(env.DEMING_LOOPBACK_ROLES), undefined) ?? file.auth?.loopbackRoles;
  const credentialed = tokens.length > 0 || users.length > 0 || oidc !== null;
  const listensOnLoopback = host === 'localhost' || isLoopback(host);
  const loopbackRoles: Role[] = explicitLoopback ?? (credentialed || !listensOnLoopback ? [] : [...roles]);
  const fileLimits = file.limits ?? {};
  const limits: Limits = {
    earliest: fileLimits.earliest ? dayMs(fileLimits.earliest) : defaultLimits.earliest,
    eventsPerRequest: fileLimits.eventsPerRequest ?? defaultLimits.eventsPerRequest,
    ndjsonLines: fileLimits.ndjsonLines ?? defaultLimits.ndjsonLines,
    jsonDepth: fileLimits.jsonDepth ?? defaultLimits.jsonDepth,
    validationErrors: fileLimits.validationErrors ?? defaultLimits.validationErrors,
    roomsPerSocket: fileLimits.roomsPerSocket ?? defaultLimits.roomsPerSocket,
    signInAttempts: fileLimits.signInAttempts ?? defaultLimits.signInAttempts,
    signInLockMs: fileLimits.signInLockMinutes !== undefined ? fileLimits.signInLockMinutes * 60_000 : defaultLimits.signInLockMs,
  };
  const postgres = check(() => postgresOf(env, file.database), null);
  const config = check((): Config => {
    const incidents = orConfigError(configFile, () => resolveIncidentSettings(file.incidents, env));
    // An incident opened before limits.earliest is kept aside as skipped, saying why (the ingest path would skip it).
    // The models are this load's own objects, shared with each source's settings.
    for (const m of incidents.models) m.earliest = limits.earliest;
    const gitlab = file.sources?.gitlab ? orConfigError(configFile, () => resolveGitlabSettings(file.sources!.gitlab!, env)) : null;
    return {
      port,
      host,
      dbFile: env.DEMING_DB ?? file.database?.file ?? './data/deming.db',
      postgres,
      configFile,
      demo: demo.data ?? 'auto',
      tz,
      production,
      leadTimeFrom: file.leadTimeFrom ?? 'commit',
      organisation: file.organisation ?? [],
      loops: { cadenceDays: file.loops?.cadenceDays ?? 14, anchor: dayMs(file.loops?.anchor ?? '2024-01-01') },
      baseline: file.baseline ? { from: dayMs(file.baseline.from), to: dayMs(file.baseline.to) } : undefined,
      baselines: Object.fromEntries((file.baselines ?? []).map((b) => [b.scope, { from: dayMs(b.from), to: dayMs(b.to) }])),
      evidence: { incidents: [...evidenceEntries(file), ...incidents.evidence, ...gitlabEvidence(gitlab)] },
      benchmarkEdition: file.benchmark?.edition ?? DEFAULT_EDITION,
      tokens,
      users,
      sessionHours: file.auth?.sessionHours ?? 12,
      oidc,
      integrityCheck: env.DEMING_INTEGRITY_CHECK === 'full' || env.DEMING_INTEGRITY_CHECK === 'off' ? env.DEMING_INTEGRITY_CHECK : 'quick',
      githubWebhookSecret: env.DEMING_GITHUB_WEBHOOK_SECRET ?? file.sources?.github?.webhookSecret ?? null,
      githubToken,
      github: file.sources?.github ? orConfigError(configFile, () => resolveGithubSettings(file.sources!.github!, env)) : null,
      gitlab,
      gitlabWebhookSecret: env.DEMING_GITLAB_WEBHOOK_SECRET ?? file.sources?.gitlab?.webhookSecret ?? null,
      incidents,
      hasSources:
        incidents.models.length > 0 ||
        Boolean(file.sources?.github || file.sources?.gitlab || file.sources?.git?.length || file.sources?.cdevents),
      bodyLimit: fileLimits.body ?? '5mb',
      server: { publicUrl, allowedHosts, trustProxy: trustProxyOf(env.DEMING_TRUST_PROXY, file.server) },
      loopbackRoles,
      loopbackRolesConfigured: explicitLoopback !== undefined,
      limits,
    };
  }, null);
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return config;
}
