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
