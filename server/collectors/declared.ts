/**
 * The declared environments of the configured sources, applied again to what they stored when
 * the configuration changed (collectors/shared/declared.ts): at the server's start and before a
 * `collect` command's run, through the ingest path the caller gives.
 */
import { githubDeclaration } from '../../collectors/github/declared';
import { gitlabDeclaration } from '../../collectors/gitlab/declared';
import { remapDeclaredEnvironments, type Declaration } from '../../collectors/shared/declared';
import type { NativeEventInput } from '../../common/events';
import type { Store } from '../../db/store';
import type { Config } from '../config';

export async function remapConfiguredSources(
  store: Pick<Store, 'getSetting' | 'putSetting' | 'readLatestDeployments' | 'listCursors'>,
  config: Pick<Config, 'github' | 'gitlab'>,
  ingest: (events: NativeEventInput[]) => Promise<unknown>,
  log: (msg: string) => void,
): Promise<void> {
  const declarations: Declaration[] = [];
  if (config.github) declarations.push(githubDeclaration(config.github));
  if (config.gitlab) declarations.push(gitlabDeclaration(config.gitlab, store));
  for (const r of await remapDeclaredEnvironments(store, declarations, ingest)) {
    if (r.previous === null && r.sent === 0) continue;
    log(
      `sources.${r.source}: the declared environments changed; ${r.sent} of ${r.read} stored deployments mapped again and linked (${(r.ms / 1000).toFixed(1)} s)`,
    );
  }
}
