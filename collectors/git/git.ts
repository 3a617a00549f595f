/**
 * Running git: argument arrays only (never a shell), no prompts, and repositories found where
 * they are said to be. A URL is cloned bare into a cache folder once and fetched afterwards.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The location is not a git repository (or does not exist). */
export class NotARepositoryError extends Error {
  constructor(readonly location: string) {
    super(`${location} is not a git repository: give the path of a clone (its top folder or a bare repository) or a URL git can clone.`);
    this.name = 'NotARepositoryError';
  }
}

/** git exited with an error; the message keeps the end of what it said. */
export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
  ) {
    super(
      `git ${args
        .filter((a) => !a.startsWith('--format'))
        .slice(0, 4)
        .join(' ')} failed: ${stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300) || 'no message'}`,
    );
    this.name = 'GitError';
  }
}

/** Where to run git, what to give it on stdin, and extra environment. */
export interface GitOptions {
  cwd?: string;
  input?: string;
  env?: Record<string, string>;
}

/** Runs git and returns its standard output. */
export function git(args: string[], opts: GitOptions = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd: opts.cwd,
        encoding: 'utf8',
        maxBuffer: 1024 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...opts.env },
      },
      (err, stdout, stderr) => (err ? reject(new GitError(args, stderr || err.message)) : resolvePromise(stdout)),
    );
    // git may exit before reading its input (an error, or nothing to read): that is not our failure.
    child.stdin?.on('error', () => {});
    if (opts.input === undefined) child.stdin?.end();
    else child.stdin?.end(opts.input);
  });
}

/** Whether a location is a URL git clones (`https://`, `ssh://`, `file://`, `git@host:path`) rather than a path. */
export function isGitUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) || /^[\w.-]+@[\w.-]+:/.test(location);
}

/** The git directory of the repository at `path` itself: git is not allowed to look above it. */
export async function gitDirOf(path: string): Promise<string> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new NotARepositoryError(path);
  try {
    const out = await git(['-C', abs, 'rev-parse', '--absolute-git-dir'], { env: { GIT_CEILING_DIRECTORIES: dirname(abs) } });
    return out.trim();
  } catch (e) {
    if (e instanceof GitError) throw new NotARepositoryError(path);
    throw e;
  }
}

/** Where a URL's bare clone is kept: a readable name and a hash of the whole URL. */
export function cachePathOf(cacheDir: string, url: string): string {
  const name =
    (url.replace(/\/+$/, '').split(/[/:]/).pop() ?? 'repo')
      .replace(/\.git$/, '')
      .replace(/[^\w.-]/g, '_')
      .slice(0, 60) || 'repo';
  return join(cacheDir, `${name}-${createHash('sha256').update(url).digest('hex').slice(0, 12)}.git`);
}

/** A bare clone of `url`, made on first use and fetched on every later one; returns its git directory. */
export async function syncClone(url: string, cacheDir: string): Promise<string> {
  const dir = cachePathOf(cacheDir, url);
  if (!existsSync(dir)) {
    mkdirSync(cacheDir, { recursive: true });
    await git(['clone', '--bare', '--quiet', '--', url, dir]);
  } else {
    await git([
      '--git-dir',
      dir,
      'fetch',
      '--quiet',
      '--prune',
      '--force',
      '--',
      url,
      '+refs/heads/*:refs/heads/*',
      '+refs/tags/*:refs/tags/*',
    ]);
  }
  return dir;
}
