/**
 * The `sources.github` block of `deming.config.yaml`: its schema (composed into the file schema
 * in server/config.ts, so a wrong key is reported by its path) and its resolution into the
 * settings the collector and the webhook route use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { compileGlobs, TagRuleError } from '../git/rules';

/** Release tag globs (collectors/git/rules.ts), checked at start: a malformed one names its key and the fix. */
const tagGlobs = z.string().superRefine((s, ctx) => {
  try {
    compileGlobs('', s);
  } catch (e) {
    if (e instanceof TagRuleError) ctx.addIssue({ code: 'custom', message: e.message.replace(/^: /, '') });
    else throw e;
  }
});

const repoName = z
  .string({ error: 'expected a repository as "owner/name"' })
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected a repository as "owner/name", such as "bcgov/my-app"');

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
  }, 'expected a regular expression, such as "^v\\d+"');

/** What counts as a deployment of a repository. */
export const deploymentSourceSchema = z
  .object({
    from: z.enum(['deployments', 'releases', 'workflow'], { error: 'expected deployments, releases or workflow' }).default('deployments'),
    /** For `workflow`: the workflow file (such as `deploy.yml`) or name whose successful runs on the default branch are deployments. */
    workflow: z.string().min(1).optional(),
    /** For `releases`: only tags matching this pattern count. */
    tagPattern: pattern.optional(),
    /** For `releases`: release tags matching these globs count (`v*`, or several as `v*,release-*`); every tag by default. */
    include: tagGlobs.optional(),
    /** For `releases`: release tags matching these globs never count. */
    exclude: tagGlobs.optional(),
    /** For `releases`: count pre-releases too (GitHub's pre-release mark, or a semantic-version pre-release tag such as v2.0.0-rc.1). */
    includePrereleases: z.boolean({ error: 'expected true or false' }).optional(),
    /** For `releases`: count releases whose tag is not reachable from the default branch too (a support branch's backports). */
    includeOtherBranches: z.boolean({ error: 'expected true or false' }).optional(),
    /** For `releases` and `workflow`: the environment name they deploy to (must match `production` to count). */
    environment: z.string().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.from === 'workflow' && !d.workflow) {
      ctx.addIssue({
        code: 'custom',
        path: ['workflow'],
        message: 'is required when from is "workflow": name the deployment workflow file, such as deploy.yml',
      });
    }
  });

const repositoryEntry = z.preprocess(
  (v) => (typeof v === 'string' ? { name: v } : v),
  z.object({ name: repoName, deployments: deploymentSourceSchema.optional() }).strict(),
);

const id = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  z.number({ error: 'expected a number, such as 123456' }).int().positive('expected a number, such as 123456'),
);

const durationText = z
  .string({ error: 'expected a duration such as 15m, 1h or off' })
  .regex(/^(off|\d+(s|m|h|d))$/, 'expected a duration such as 30s, 15m, 1h or off');

export const githubSourceSchema = z
  .object({
    token: z.string().min(1).optional(),
    app: z
      .object({ appId: id, privateKey: z.string().min(1), installationId: id })
      .strict()
      .optional(),
    baseUrl: z.url({ protocol: /^https?$/, error: 'expected the API URL, such as https://ghe.example.gov/api/v3' }).optional(),
    webhookSecret: z.string().min(1).optional(),
    repositories: z.array(repositoryEntry).default([]),
    organisations: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'expected an organisation login, such as "bcgov"')).default([]),
    deployments: deploymentSourceSchema.optional(),
    incidents: z
      .object({ labels: z.array(z.string().min(1)).min(1, 'name at least one label').default(['incident']) })
      .strict()
      .optional(),
    interval: durationText.default('15m'),
    backfillDays: z.number().int().min(1).max(3650).default(365),
    /** Spacing between GraphQL requests. GitHub asks for one a second; your own Enterprise Server may allow less. */
    graphqlInterval: z
      .string()
      .regex(/^\d+(ms|s)$/, 'expected a duration such as 1s or 250ms')
      .default('1s'),
  })
  .strict();

export type GithubSourceFile = z.infer<typeof githubSourceSchema>;
export type DeploymentSource = z.infer<typeof deploymentSourceSchema>;

export type GithubAuth = { kind: 'token'; token: string } | { kind: 'app'; appId: number; privateKey: string; installationId: number };

/** Everything the GitHub collector and webhooks need, resolved and checked. */
export interface GithubSettings {
  auth: GithubAuth | null;
  /** The REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  baseUrl: string;
  repositories: { name: string; deployments?: DeploymentSource }[];
  organisations: string[];
  /** The default for repositories that do not say. */
  deployments: DeploymentSource;
  incidentLabels: string[];
  /** Between scheduled runs inside the server; null: only on demand. */
  intervalMs: number | null;
  backfillDays: number;
  graphqlIntervalMs: number;
}

export const DEFAULT_BASE_URL = 'https://api.github.com';

/** A setting that is wrong; the message names the key and the fix. */
export class GithubConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GithubConfigError';
  }
}

const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `15m` → 900000; `off` → null. */
export function parseDuration(text: string): number | null {
  if (text === 'off') return null;
  const m = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!m) throw new GithubConfigError(`"${text}" is not a duration such as 30s, 15m, 1h or 90d`);
  return Number(m[1]) * unitMs[m[2]];
}

function readPrivateKey(value: string): string {
  if (value.includes('-----BEGIN')) return value;
  if (!existsSync(value)) {
    throw new GithubConfigError(
      `sources.github.app.privateKey: "${value}" is neither a PEM key nor a file that exists; give the key (-----BEGIN ... KEY-----) or the path of its .pem file.`,
    );
  }
  return readFileSync(value, 'utf8');
}

/** Resolves the file block and the environment (GITHUB_TOKEN wins over `token`; an `app` block wins over both). */
export function resolveGithubSettings(file: GithubSourceFile, env: NodeJS.ProcessEnv): GithubSettings {
  if (file.token && file.app) throw new GithubConfigError('sources.github: give either token or app, not both.');
  let auth: GithubAuth | null = null;
  if (file.app)
    auth = { kind: 'app', appId: file.app.appId, privateKey: readPrivateKey(file.app.privateKey), installationId: file.app.installationId };
  else if (env.GITHUB_TOKEN || file.token) auth = { kind: 'token', token: (env.GITHUB_TOKEN || file.token)! };
  const collects = file.repositories.length > 0 || file.organisations.length > 0;
  if (collects && !auth) {
    throw new GithubConfigError(
      'sources.github: collecting repositories needs a token: set GITHUB_TOKEN (or sources.github.token: ${MY_TOKEN}), or configure sources.github.app.',
    );
  }
  const intervalMs = parseDuration(file.interval);
  if (intervalMs !== null && intervalMs < 10_000) throw new GithubConfigError('sources.github.interval: must be at least 10s (or off).');
  return {
    auth,
    baseUrl: (file.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    repositories: dedupe(file.repositories),
    organisations: [...new Set(file.organisations.map((o) => o.toLowerCase()))],
    deployments: file.deployments ?? { from: 'deployments' },
    incidentLabels: file.incidents?.labels ?? ['incident'],
    intervalMs,
    backfillDays: file.backfillDays,
    graphqlIntervalMs: file.graphqlInterval.endsWith('ms')
      ? Number(file.graphqlInterval.slice(0, -2))
      : Number(file.graphqlInterval.slice(0, -1)) * 1000,
  };
}

function dedupe(repos: GithubSourceFile['repositories']): GithubSettings['repositories'] {
  const seen = new Map<string, GithubSettings['repositories'][number]>();
  for (const r of repos) seen.set(r.name.toLowerCase(), r);
  return [...seen.values()];
}

/** The deployment rule of one repository: its own, else the default. */
export function deploymentSourceOf(settings: Pick<GithubSettings, 'repositories' | 'deployments'>, repo: string): DeploymentSource {
  return settings.repositories.find((r) => r.name.toLowerCase() === repo.toLowerCase())?.deployments ?? settings.deployments;
}

/** Settings for webhooks when no `sources.github` block is configured. */
export const defaultGithubSettings: GithubSettings = {
  auth: null,
  baseUrl: DEFAULT_BASE_URL,
  repositories: [],
  organisations: [],
  deployments: { from: 'deployments' },
  incidentLabels: ['incident'],
  intervalMs: null,
  backfillDays: 365,
  graphqlIntervalMs: 1000,
};
