/** The site header: product name, connection, who is signed in, scope picker and date range. */
import { useLocation } from 'react-router';
import { useSocket } from '../hooks/useSocket';
import { isRetroPath } from '../lib/loops-paths';
import { DateRangeControls } from './DateRangeControls';
import { Masthead } from './Masthead';
import { ScopePicker } from './ScopePicker';
import { SessionControls } from './SessionControls';
import type { ConnectionStatus } from './SocketProvider';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live updates on',
  offline: 'Offline, reconnecting…',
};

export function Header() {
  const { status } = useSocket();
  // A retro is about one loop's own days: the date range would do nothing there.
  const { pathname } = useLocation();
  return (
    <header className="site-header">
      <Masthead>
        <p className={`connection connection-${status}`} role="status" data-testid="connection" data-status={status}>
          <span className="connection-dot" aria-hidden="true" />
          {STATUS_TEXT[status]}
        </p>
        <SessionControls />
      </Masthead>
      <div className="header-controls">
        <div className="container controls-row">
          <ScopePicker />
          {!isRetroPath(pathname) && <DateRangeControls />}
        </div>
      </div>
    </header>
  );
}
