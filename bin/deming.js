#!/usr/bin/env node
// `npx deming <command>`: runs the TypeScript CLI through tsx, which is a runtime dependency.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/index.ts');
