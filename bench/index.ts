export {};

/**
 * `npm run bench [-- <name>] [options]`: the project's benchmarks, each in its own module
 * exporting `run(args): Promise<unknown>` that prints a JSON report. With no name, runs them all.
 */
const benches: Record<string, () => Promise<{ run(args: string[]): Promise<unknown> }>> = {
  github: () => import('./github'),
  gitlab: () => import('./gitlab'),
  jira: () => import('./jira'),
  load: () => import('./load'),
  'multi-ingest': () => import('./multi-ingest'),
  'multi-live': () => import('./multi-live'),
  'page-load': () => import('./page-load'),
  production: () => import('./production'),
  scale: () => import('./scale'),
  store: () => import('./store'),
  servicenow: () => import('./servicenow'),
  'sign-in': () => import('./sign-in'),
  validate: () => import('./validate'),
};

const [first, ...rest] = process.argv.slice(2);
const names = first && !first.startsWith('-') ? [first] : Object.keys(benches);
const args = first && !first.startsWith('-') ? rest : process.argv.slice(2);
for (const name of names) {
  const load = benches[name];
  if (!load) {
    console.error(`bench: unknown benchmark "${name}". Benchmarks: ${Object.keys(benches).join(', ') || 'none yet'}.`);
    process.exit(2);
  }
  console.error(`bench: ${name}`);
  await (await load()).run(args);
}
