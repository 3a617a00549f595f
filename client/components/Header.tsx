/** The site header: product name, connection, scope picker and date range. */
import { Link, useLocation } from 'react-router';
import { useSocket } from '../hooks/useSocket';
import { DateRangeControls } from './DateRangeControls';
import { ScopePicker } from './ScopePicker';
import type { ConnectionStatus } from './SocketProvider';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live updates on',
  offline: 'Offline, reconnecting…',
};

export function Header() {
  const { search } = useLocation();
  const { status } = useSocket();
  return (
    <header className="site-header">
      <div className="container header-top">
        <Link to={{ pathname: '/', search }} className="brand" aria-label="Deming, executive summary">
          Deming
        </Link>
        <span className="tagline">Delivery performance, one loop at a time</span>
        <p className={`connection connection-${status}`} role="status" data-testid="connection" data-status={status}>
          <span className="connection-dot" aria-hidden="true" />
          {STATUS_TEXT[status]}
        </p>
      </div>
      <div className="header-controls">
        <div className="container controls-row">
          <ScopePicker />
          <DateRangeControls />
        </div>
      </div>
    </header>
  );
}
