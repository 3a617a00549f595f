/** The footer of every page: what the figures are. */
export function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="container">
        Deming measures delivery with the DORA metrics: deployment frequency, lead time for changes, change failure rate, time to restore and rework rate.
        Durations are medians (p50) unless marked; days and weeks are UTC.
      </div>
    </footer>
  );
}
