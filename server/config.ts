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

import { roles, type Role } from './roles';

export { roles, type Role };

const date = z.iso.date({ error: 'expected a date such as 2026-01-05' });

const fileSchema = z
  .object({
    server: z.object({ port: z.number().int().min(0).max(65535).optional(), host: z.string().optional() }).strict().optional(),
    database: z.string().min(1).optional(),
    timezone: z.string().refine(isValidTimeZone, 'expected an IANA time zone such as "UTC" or "America/Vancouver"').optional(),
    demo: z.enum(['auto', 'on', 'off']).optional(),
    production: z.string().min(1).optional(),
    organisation: organisationConfig.optional(),
    loops: z.object({ cadenceDays: z.number().int().min(1).max(366).optional(), anchor: date.optional() }).strict().optional(),
    baseline: z.object({ from: date, to: date }).strict().optional(),
    auth: z.object({
      tokens: z.array(z.object({ name: z.string().min(1), token: z.string().min(16, 'tokens must be at least 16 characters'), role: z.enum(roles) }).strict()).optional(),
      users: z.array(z.object({
        username: z.string().regex(/^[A-Za-z0-9._@-]{1,100}$/, 'expected a username of letters, digits and . _ @ -'),
        passwordHash: z.string().refine(isPasswordHash, 'expected a scrypt hash made by `npx deming hash-password`, never the password itself'),
        role: z.enum(roles),
      }).strict()).optional(),
      sessionHours: z.number().positive().max(24 * 30).optional(),
      oidc: oidcSchema.optional(),
    }).strict().optional(),
    sources: z.object({
      github: githubSourceSchema.optional(),
      git: z.array(z.record(z.string(), z.unknown())).optional(),
      cdevents: z.record(z.string(), z.unknown()).optional(),
    }).strict().optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof fileSchema>;

export interface Config {
  port: number;
  host: string;
  dbFile: string;
  configFile: string | null;
  demo: 'auto' | 'on' | 'off';
  tz: string;
  production: RegExp;
  organisation: OrganisationConfig;
  loops: { cadenceDays: number; anchor: number };
  baseline?: { from: number; to: number };
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
  /** The GitHub collector and webhook settings (`sources.github`), or null when not configured. */
  github: GithubSettings | null;
  /** Whether any real source is configured (turns the demo off in `auto`). */
  hasSources: boolean;
  bodyLimit: string;
}

export class ConfigError extends Error {
  constructor(message: string) { super(message); this.name = 'ConfigError'; }
}

/** Runs a section's own checks, reporting a failure as a ConfigError that names the file. */
function orConfigError<T>(file: string | null, resolve: () => T): T {
  try { return resolve(); } catch (e) { throw new ConfigError(`${file ? `${file}: ` : ''}${(e as Error).message}`); }
}

/** Replaces `${NAME}` in every string with the environment's value; a missing one is an error naming the key. */
function substitute(value: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(`${path}: refers to \${${name}}, which is not set in the environment. Set ${name} or remove the reference.`);
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
    const i = r.error.issues[0];
    const key = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(top level)';
    const fix = i.code === 'unrecognized_keys' ? `remove or correct ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message;
    throw new ConfigError(`${file}: ${key}: ${fix}`);
  }
  return r.data;
}

const envDemo = z.enum(['auto', 'on', 'off']);

/** Builds the configuration from the environment and the optional file. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argvConfig?: string): Config {
  const configFile = argvConfig ?? env.DEMING_CONFIG ?? (existsSync('deming.config.yaml') ? 'deming.config.yaml' : null);
  if (configFile && !existsSync(configFile)) throw new ConfigError(`The config file ${configFile} does not exist: create it or unset DEMING_CONFIG.`);
  const file = configFile ? readFile(configFile, env) : {};

  const port = env.PORT !== undefined ? Number(env.PORT) : file.server?.port ?? 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT: expected a port number from 0 to 65535, got "${env.PORT}".`);
  const demo = envDemo.safeParse(env.DEMING_DEMO ?? file.demo ?? 'auto');
  if (!demo.success) throw new ConfigError(`DEMING_DEMO: expected auto, on or off, got "${env.DEMING_DEMO}".`);
  if (env.DEMING_INTEGRITY_CHECK !== undefined && !['quick', 'full', 'off'].includes(env.DEMING_INTEGRITY_CHECK)) {
    throw new ConfigError(`DEMING_INTEGRITY_CHECK: expected quick, full or off, got "${env.DEMING_INTEGRITY_CHECK}".`);
  }
  const tz = env.DEMING_TZ ?? file.timezone ?? 'UTC';
  if (!isValidTimeZone(tz)) throw new ConfigError(`DEMING_TZ: "${tz}" is not a time zone; use an IANA name such as UTC or Europe/London.`);
  let production: RegExp;
  try {
    production = new RegExp(file.production ?? '^prod(uction)?$', 'i');
  } catch {
    throw new ConfigError(`production: "${file.production}" is not a valid regular expression.`);
  }

  const tokens = [...(file.auth?.tokens ?? [])];
  for (const role of roles) {
    const t = env[`DEMING_${role.toUpperCase()}_TOKEN`];
    if (t) {
      if (t.length < 16) throw new ConfigError(`DEMING_${role.toUpperCase()}_TOKEN: tokens must be at least 16 characters.`);
      tokens.push({ name: `env:${role}`, token: t, role });
    }
  }
  const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
  const githubToken = env.GITHUB_TOKEN ?? null;
  return {
    port,
    host: env.HOST ?? file.server?.host ?? '127.0.0.1',
    dbFile: env.DEMING_DB ?? file.database ?? './data/deming.db',
    configFile,
    demo: demo.data,
    tz,
    production,
    organisation: file.organisation ?? [],
    loops: { cadenceDays: file.loops?.cadenceDays ?? 14, anchor: dayMs(file.loops?.anchor ?? '2024-01-01') },
    baseline: file.baseline ? { from: dayMs(file.baseline.from), to: dayMs(file.baseline.to) } : undefined,
    tokens,
    users: file.auth?.users ?? [],
    sessionHours: file.auth?.sessionHours ?? 12,
    oidc: file.auth?.oidc ?? null,
    integrityCheck: env.DEMING_INTEGRITY_CHECK === 'full' || env.DEMING_INTEGRITY_CHECK === 'off' ? env.DEMING_INTEGRITY_CHECK : 'quick',
    githubWebhookSecret: env.DEMING_GITHUB_WEBHOOK_SECRET ?? file.sources?.github?.webhookSecret ?? null,
    githubToken,
    github: file.sources?.github ? orConfigError(configFile, () => resolveGithubSettings(file.sources!.github!, env)) : null,
    hasSources: Boolean(file.sources?.github || file.sources?.git?.length || file.sources?.cdevents),
    bodyLimit: '5mb',
  };
}
