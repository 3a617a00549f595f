/**
 * A scope's live channel: joins its room (again after every reconnect), bumps `version` when
 * `metrics:changed` names the scope, and `arrived` when events arrived for its services.
 */
import { useEffect, useRef, useState } from 'react';
import type { ServerToClientEvents } from '../../common/api';
import { appendIngested, arrivalsOf, FEED_LIMIT, summariseIngested, type FeedItem, type IngestedPayload } from '../lib/live-feed';
import { formatTime } from '../lib/format';
import { useSocket } from './useSocket';

type ChangedPayload = Parameters<ServerToClientEvents['metrics:changed']>[0];

export interface ScopeLive {
  /** Bumped when the scope's figures moved: the data hooks refetch on it. */
  version: number;
  /** When the figures last moved, for "updated at". */
  updatedAt: string | null;
  /** Bumped when events arrived for the scope's services: the live feed reads its lists again on it. */
  arrived: number;
  /** What arrived for the scope's services since the page opened, newest first (counts by type and service). */
  arrivals: FeedItem[];
  /** The latest news for the polite live region. */
  announcement: string;
}

export function useScopeLive(scope: string, services: ReadonlySet<string>): ScopeLive {
  const { socket } = useSocket();
  const [version, setVersion] = useState(0);
  const [updatedAt, setUpdatedAt] = useState<string | null>(null);
  const [arrived, setArrived] = useState(0);
  const [arrivals, setArrivals] = useState<FeedItem[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const servicesRef = useRef(services);
  useEffect(() => {
    servicesRef.current = services;
  }, [services]);

  useEffect(() => {
    if (!socket) return;
    let connectedBefore = socket.connected;
    const join = () => {
      socket.emit('scope:join', scope);
    };
    const onConnect = () => {
      join();
      // Events may have arrived while the socket was away: read the figures again.
      if (connectedBefore) {
        setVersion((v) => v + 1);
        setArrived((n) => n + 1);
      }
      connectedBefore = true;
    };
    const onChanged = (p: ChangedPayload) => {
      if (!p.scopes.includes(scope)) return;
      setVersion((v) => v + 1);
      setUpdatedAt(p.at);
      setAnnouncement(`Figures updated at ${formatTime(p.at)}.`);
    };
    const onIngested = (p: IngestedPayload) => {
      const fresh = appendIngested([], p, (s) => servicesRef.current.has(s));
      if (fresh.length === 0) return;
      setArrived((n) => n + 1);
      setArrivals((a) => [...arrivalsOf(fresh), ...a].slice(0, FEED_LIMIT));
      setAnnouncement(`${summariseIngested(fresh)} at ${formatTime(p.at)}; updating the figures.`);
    };
    if (socket.connected) join();
    socket.on('connect', onConnect);
    socket.on('metrics:changed', onChanged);
    socket.on('events:ingested', onIngested);
    return () => {
      socket.off('connect', onConnect);
      socket.off('metrics:changed', onChanged);
      socket.off('events:ingested', onIngested);
      if (socket.connected) socket.emit('scope:leave', scope);
    };
  }, [socket, scope]);

  return { version, updatedAt, arrived, arrivals, announcement };
}
