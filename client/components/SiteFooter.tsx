/** The footer of every page: what the figures are. */
export function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="container">
        Deming measures delivery with DORA's metrics: throughput (change lead time, deployment frequency, failed deployment recovery time) and
        instability (change fail rate, deployment rework rate), with time to restore beside them; a figure that needs incidents counts only the services that report them.
        Durations are medians (p50) unless marked; days and weeks are UTC.
      </div>
    </footer>
  );
}
