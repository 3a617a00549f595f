/** A read's scope and window from a query as the API takes it (`scope`, `from`, `to`): shared by the routes and `npx deming export`. */
import { parseWindow } from '../query';
import { parseScope, type ResolvedScope } from '../scope';
import type { ReadContext } from './context';

export interface ScopedWindow {
  resolved: ResolvedScope;
  from: number;
  to: number;
}

/** 400 for a malformed scope, 404 for one that does not exist, then 400 for a malformed window. */
export async function scopedWindow(ctx: ReadContext, query: Record<string, unknown>, now: number): Promise<ScopedWindow> {
  const resolved = await ctx.reads.org.resolve(parseScope(query.scope));
  return { resolved, ...parseWindow(query, now) };
}
