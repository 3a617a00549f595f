/** "Download CSV" beside a chart or table: the same read the page made, answered as CSV by the API. */
import { csvUrl } from '../../lib/api-client';

/** `url` is the API URL the figures came from; `what` finishes the link's name for screen readers; `label` replaces "Download CSV". */
export function CsvLink({ url, what, file, label = 'Download CSV' }: { url: string; what: string; file: string; label?: string }) {
  return (
    <a className="csv-link" href={csvUrl(url)} download={`${file}.csv`} data-testid="csv-link">
      {label}
      <span className="visually-hidden"> of {what}</span>
    </a>
  );
}
