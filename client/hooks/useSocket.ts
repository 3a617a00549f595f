/** The app's socket and its connection status. */
import { useContext } from 'react';
import { SocketContext, type LiveConnection } from '../components/SocketProvider';

export function useSocket(): LiveConnection {
  return useContext(SocketContext);
}
