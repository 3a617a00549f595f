/** The organisation (departments, teams, services), loaded once and refreshed when an unknown service reports in. */
import { createContext, useEffect, useState, type ReactNode } from 'react';
import type { OrgResponse } from '../../common/api';
import type { IngestedPayload } from '../lib/live-feed';
import { useResource, type Resource } from '../hooks/useResource';
import { useSocket } from '../hooks/useSocket';

export const OrgContext = createContext<Resource<OrgResponse> | null>(null);

export function OrgProvider({ children }: { children: ReactNode }) {
  const { socket } = useSocket();
  const [version, setVersion] = useState(0);
  const org = useResource<OrgResponse>('/api/v1/org', version);
  const known = org.data?.services;
  useEffect(() => {
    if (!socket || !known) return;
    const names = new Set(known.map((s) => s.name));
    // A service seen for the first time is created by the ingest: the organisation changed.
    const onIngested = (p: IngestedPayload) => {
      if (p.counts.some((c) => !names.has(c.service))) setVersion((v) => v + 1);
    };
    socket.on('events:ingested', onIngested);
    return () => {
      socket.off('events:ingested', onIngested);
    };
  }, [socket, known]);
  return <OrgContext.Provider value={org}>{children}</OrgContext.Provider>;
}
