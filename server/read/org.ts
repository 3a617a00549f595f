/** `GET /api/v1/org`: the departments, teams and services, as the organisation tree shows them. */
import type { OrgResponse } from '../../common/api';
import type { ReadContext } from './context';

export async function orgOf(ctx: ReadContext): Promise<OrgResponse> {
  const { tree } = await ctx.reads.org.current();
  return { departments: tree.departments, teams: tree.teams, services: tree.services, demo: ctx.demo() };
}
