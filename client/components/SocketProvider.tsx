/** The app's one socket.io connection, shared by every page through context. */
import { createContext, useEffect, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/api';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionStatus = 'connecting' | 'live' | 'offline';
export interface LiveConnection { socket: AppSocket | null; status: ConnectionStatus }

export const SocketContext = createContext<LiveConnection>({ socket: null, status: 'connecting' });

/** Opens the socket once for the whole app and reports whether it is connected. */
export function SocketProvider({ children }: { children: ReactNode }) {
  const [connection, setConnection] = useState<LiveConnection>({ socket: null, status: 'connecting' });
  useEffect(() => {
    const socket: AppSocket = io({ path: '/socket.io' });
    const live = () => setConnection({ socket, status: 'live' });
    const offline = () => setConnection({ socket, status: 'offline' });
    socket.on('connect', live);
    socket.on('disconnect', offline);
    socket.on('connect_error', offline);
    setConnection({ socket, status: socket.connected ? 'live' : 'connecting' });
    return () => {
      socket.off('connect', live);
      socket.off('disconnect', offline);
      socket.off('connect_error', offline);
      socket.disconnect();
    };
  }, []);
  return <SocketContext.Provider value={connection}>{children}</SocketContext.Provider>;
}
