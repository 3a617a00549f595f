import { Link } from 'react-router';

/** The footer of every page: what the figures are, and where the incidents that count for none are. */
export function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="container">
        Deming measures delivery with DORA's metrics: throughput (change lead time, deployment frequency, failed deployment recovery time)
        and instability (change fail rate, deployment rework rate), with time to restore beside them; a figure that needs incidents counts
        only the services that report them. Durations are medians (p50) unless marked; days and weeks are UTC.{' '}
        <Link to="/incidents">Incidents kept aside</Link>: those from incident tools that count for no service yet, or do not count.
      </div>
    </footer>
  );
}
