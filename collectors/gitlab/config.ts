/**
 * The `sources.gitlab` block of `deming.config.yaml`: its schema (composed into the file schema
 * in server/config.ts, so a wrong key is reported by its path) and its resolution into the
 * settings the collector and the webhook route use. GitLab.com or a self-managed instance
 * (under a path prefix, with its own CA), a token from the file or GITLAB_TOKEN, groups (with
 * their subgroups) or projects, include and exclude patterns on the project path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from '../github/config';
import { compileRules, TagRuleError, type CompiledRules } from '../git/rules';

const pattern = z
  .string()
  .min(1)
  .refine((s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  }, 'expected a regular expression, such as "^prod"');

/** A group or project path as GitLab spells it (`health/clinics/booking`), or its numeric id. */
const pathOrId = (what: string, example: string) =>
  z.union(
    [
      z.number().int().positive(),
      z
        .string()
        .regex(
          /^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*$/,
          `expected a ${what} path such as "${example}", or its numeric id`,
        ),
    ],
    { error: `expected a ${what} path such as "${example}", or its numeric id` },
  );

/** A glob on `path_with_namespace`: `*` within one path segment, `**` across segments. */
const glob = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9_.*/-]+$/, 'expected a path pattern such as "health/**" or "*/sandbox-*" (letters, digits, . _ - / and *)');

const durationText = z
  .string({ error: 'expected a duration such as 15m, 1h or off' })
  .regex(/^(off|\d+(s|m|h|d))$/, 'expected a duration such as 30s, 15m, 1h or off');

export const gitlabSourceSchema = z
  .object({
    /** The REST API root: https://gitlab.com/api/v4, or https://HOST[/PREFIX]/api/v4 for a self-managed instance. */
    baseUrl: z.url({ protocol: /^https?$/, error: 'expected the API URL, such as https://gitlab.example.gov/api/v4' }).optional(),
    token: z.string().min(1).optional(),
    webhookSecret: z.string().min(1).optional(),
    groups: z.array(pathOrId('group', 'health/clinics')).default([]),
    projects: z.array(pathOrId('project', 'health/clinics/booking')).default([]),
    include: z.array(glob).default([]),
    exclude: z.array(glob).default([]),
    /** Put before every project's path in its service name, for organisations on GitHub and GitLab. */
    servicePrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.@:+-]+(\/[A-Za-z0-9_.@:+-]+)*\/?$/, 'expected a prefix such as "gitlab/" (letters, digits and . _ - @ : + /)')
      .optional(),
    /** For instances without environment tiers: environments whose name matches are production (default: the top-level `production`). */
    environments: pattern.optional(),
    incidents: z
      .object({
        labels: z.array(z.string().min(1).max(255)).default([]),
        /** The day the configured groups' and projects' incidents are tracked from: they report incidents from then (DESIGN, "Evidence"). */
        since: z.iso
          .date({ error: 'expected a date such as 2026-01-05' })
          .refine(
            (d) => Date.parse(`${d}T00:00:00Z`) <= Date.now(),
            'the date is in the future: give the day incidents started being tracked in GitLab, today or earlier',
          )
          .optional(),
      })
      .strict()
      .optional(),
    /** Projects that release by tagging: their releases are deployments, by the release-tag rules of collect git. */
    releases: z
      .object({
        include: z.string().min(1).default('v*'),
        exclude: z.string().min(1).optional(),
        includePrereleases: z.boolean().default(false),
        environment: z.string().min(1).max(100).default('production'),
      })
      .strict()
      .optional(),
    /** A PEM file of the CA(s) that signed a self-managed instance's certificate. */
    caFile: z.string().min(1).optional(),
    interval: durationText.default('15m'),
    backfillDays: z.number().int().min(1).max(3650).default(365),
  })
  .strict();

export type GitlabSourceFile = z.infer<typeof gitlabSourceSchema>;

/** Everything the GitLab collector and webhooks need, resolved and checked. */
export interface GitlabSettings {
  /** The REST API root, without a trailing slash: https://gitlab.com/api/v4 or https://HOST/PREFIX/api/v4. */
  baseUrl: string;
  token: string | null;
  groups: (string | number)[];
  projects: (string | number)[];
  include: string[];
  exclude: string[];
  servicePrefix: string;
  /** Null: the top-level `production` pattern decides for environments without a tier. */
  environments: RegExp | null;
  /** Issues with one of these labels are incidents too (issues of type incident always are). */
  incidentLabels: string[];
  /** `incidents.since` (epoch ms): the configured groups and projects report incidents from then; null: not declared. */
  incidentsSince: number | null;
  /** The CA bundle's PEM text, when configured. */
  ca: string | null;
  /** Releases as deployments, when configured: the rules (compiled at start, so a wrong glob stops it) and their environment. */
  releases: { rules: CompiledRules; environment: string } | null;
  intervalMs: number | null;
  backfillDays: number;
}

export const DEFAULT_GITLAB_URL = 'https://gitlab.com/api/v4';

/** A setting that is wrong; the message names the key and the fix. */
export class GitlabConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitlabConfigError';
  }
}

function readCa(file: string): string {
  if (!existsSync(file))
    throw new GitlabConfigError(
      `sources.gitlab.caFile: "${file}" does not exist: give the path of the PEM file of your GitLab's certificate authority.`,
    );
  const pem = readFileSync(file, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new GitlabConfigError(
      `sources.gitlab.caFile: "${file}" holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA bundle, not a key or a DER file.`,
    );
  return pem;
}

/** Resolves the file block and the environment (GITLAB_TOKEN wins over `token`). */
export function resolveGitlabSettings(file: GitlabSourceFile, env: NodeJS.ProcessEnv): GitlabSettings {
  const token = env.GITLAB_TOKEN || file.token || null;
  const collects = file.groups.length > 0 || file.projects.length > 0;
  if (collects && !token) {
    throw new GitlabConfigError(
      'sources.gitlab: collecting projects needs a token with the read_api scope: set GITLAB_TOKEN (or sources.gitlab.token: ${MY_TOKEN}).',
    );
  }
  const baseUrl = (file.baseUrl ?? DEFAULT_GITLAB_URL).replace(/\/+$/, '');
  if (!/\/api\/v4$/.test(new URL(baseUrl).pathname)) {
    throw new GitlabConfigError(
      `sources.gitlab.baseUrl: "${baseUrl}" does not end in /api/v4: give the API root, such as https://gitlab.example.gov/api/v4 (or https://host/gitlab/api/v4 under a path prefix).`,
    );
  }
  const intervalMs = parseDuration(file.interval);
  if (intervalMs !== null && intervalMs < 10_000) throw new GitlabConfigError('sources.gitlab.interval: must be at least 10s (or off).');
  const prefix = file.servicePrefix ?? '';
  return {
    baseUrl,
    token,
    groups: dedupe(file.groups),
    projects: dedupe(file.projects),
    include: file.include,
    exclude: file.exclude,
    servicePrefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
    environments: file.environments ? new RegExp(file.environments, 'i') : null,
    incidentLabels: file.incidents?.labels ?? [],
    incidentsSince: file.incidents?.since ? Date.parse(`${file.incidents.since}T00:00:00Z`) : null,
    ca: file.caFile ? readCa(file.caFile) : null,
    releases: file.releases ? { rules: releaseRulesOf(file.releases), environment: file.releases.environment } : null,
    intervalMs,
    backfillDays: file.backfillDays,
  };
}

/** The release-tag rules of `releases` (collectors/git/rules.ts): a glob that cannot work names its key. */
function releaseRulesOf(r: NonNullable<GitlabSourceFile['releases']>): CompiledRules {
  try {
    return compileRules(
      { include: r.include, exclude: r.exclude, includePrereleases: r.includePrereleases, allBranches: true },
      { include: 'sources.gitlab.releases.include', exclude: 'sources.gitlab.releases.exclude' },
    );
  } catch (e) {
    if (e instanceof TagRuleError) throw new GitlabConfigError(e.message);
    throw e;
  }
}

function dedupe(items: (string | number)[]): (string | number)[] {
  const seen = new Map<string, string | number>();
  for (const i of items) seen.set(String(i).toLowerCase(), i);
  return [...seen.values()];
}

/** Settings for webhooks when no `sources.gitlab` block is configured. */
export const defaultGitlabSettings: GitlabSettings = {
  baseUrl: DEFAULT_GITLAB_URL,
  token: null,
  groups: [],
  projects: [],
  include: [],
  exclude: [],
  servicePrefix: '',
  environments: null,
  incidentLabels: [],
  incidentsSince: null,
  ca: null,
  releases: null,
  intervalMs: null,
  backfillDays: 365,
};

/**
 * The evidence entries `incidents.since` declares (DESIGN.md, "Evidence"): every project of a
 * configured group (`group/*`) and each configured project, by path (an id names no service).
 */
export function gitlabEvidence(settings: GitlabSettings | null): { services: string; since: number }[] {
  if (!settings || settings.incidentsSince === null) return [];
  const since = settings.incidentsSince;
  return [
    ...settings.groups
      .filter((g): g is string => typeof g === 'string')
      .map((g) => ({ services: `${settings.servicePrefix}${g}/*`, since })),
    ...settings.projects
      .filter((p): p is string => typeof p === 'string')
      .map((p) => ({ services: `${settings.servicePrefix}${p}`, since })),
  ];
}

/** A glob as a regular expression: `**` any path, `*` within a segment; matched without regard to case. */
export function globRegExp(glob: string): RegExp {
  const body = glob
    .split(/(\*\*\/?|\*)/)
    .map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether a project path is wanted: it matches an include pattern (or there is none) and no exclude pattern. */
export function isIncluded(settings: Pick<GitlabSettings, 'include' | 'exclude'>, path: string): boolean {
  if (settings.include.length > 0 && !settings.include.some((g) => globRegExp(g).test(path))) return false;
  return !settings.exclude.some((g) => globRegExp(g).test(path));
}
