/** The roles of DESIGN.md and what each includes. */
export const roles = ['viewer', 'editor', 'ingest', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Which roles each role includes. */
export const grants: Record<Role, Role[]> = {
  viewer: ['viewer'],
  editor: ['editor', 'viewer'],
  ingest: ['ingest'],
  admin: ['admin', 'editor', 'viewer', 'ingest'],
};

/** The role that includes the most, or null for none. */
export function widestRole(list: readonly Role[]): Role | null {
  return list.reduce<Role | null>((best, r) => (best === null || grants[r].length > grants[best].length ? r : best), null);
}
