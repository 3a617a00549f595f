/** The app's one socket.io connection, shared by every page through context. */
import { createContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/api';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionStatus = 'connecting' | 'live' | 'offline';
export interface LiveConnection {
  socket: AppSocket | null;
  status: ConnectionStatus;
}

export const SocketContext = createContext<LiveConnection>({ socket: null, status: 'connecting' });

interface Props {
  /**
   * Who the page is signed in as: the socket is opened again when it changes, so it carries the
   * new session cookie. Mount the provider only once the person may see the dashboard.
   */
  identity: string;
  /** Called when the server refuses the socket for want of a sign-in. */
  onRefused: () => void;
  children: ReactNode;
}

/** Opens the socket once per identity for the whole app and reports whether it is connected. */
export function SocketProvider({ identity, onRefused, children }: Props) {
  const [connection, setConnection] = useState<LiveConnection>({ socket: null, status: 'connecting' });
  const refused = useRef(onRefused);
  useEffect(() => {
    refused.current = onRefused;
  }, [onRefused]);
  useEffect(() => {
    const socket: AppSocket = io({ path: '/socket.io' });
    const live = () => setConnection({ socket, status: 'live' });
    const offline = () => setConnection({ socket, status: 'offline' });
    const failed = (e: Error) => {
      offline();
      if (e.message.startsWith('unauthorized')) refused.current();
    };
    socket.on('connect', live);
    socket.on('disconnect', offline);
    socket.on('connect_error', failed);
    setConnection({ socket, status: socket.connected ? 'live' : 'connecting' });
    return () => {
      socket.off('connect', live);
      socket.off('disconnect', offline);
      socket.off('connect_error', failed);
      socket.disconnect();
    };
  }, [identity]); // a new identity needs a new socket, with the new cookie
  return <SocketContext.Provider value={connection}>{children}</SocketContext.Provider>;
}
