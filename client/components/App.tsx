/** The frame of every page: one socket, the organisation, the header, the demo banner and the page. */
import { Outlet } from 'react-router';
import { Header } from './Header';
import { OrgProvider } from './OrgProvider';
import { SocketProvider } from './SocketProvider';
import { useOrg } from '../hooks/useOrg';
import { useRouteFocus } from '../hooks/useRouteFocus';

export function App() {
  return (
    <SocketProvider>
      <OrgProvider>
        <Frame />
      </OrgProvider>
    </SocketProvider>
  );
}

function Frame() {
  const org = useOrg();
  useRouteFocus();
  return (
    <>
      <a className="skip-link" href="#main">Skip to the figures</a>
      <Header />
      {org.data?.demo && <DemoBanner />}
      <main id="main" className="container site-main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="container">
          Deming measures delivery with the DORA metrics: deployment frequency, lead time for changes, change failure rate, time to restore and rework rate.
          Durations are medians (p50) unless marked; days and weeks are UTC.
        </div>
      </footer>
    </>
  );
}

/** Shown on every page while the figures are generated ones. */
export function DemoBanner() {
  return (
    <div className="demo-banner" role="note" data-testid="demo-banner">
      <div className="container">
        <strong className="demo-tag">Demo data</strong>
        <span>— a generated organisation. Configure a source or send events to see your own.</span>
      </div>
    </div>
  );
}
