/** "Download CSV" beside a chart or table: the same read the page made, answered as CSV by the API. */
import { csvUrl } from '../../lib/api-client';

/** `url` is the API URL the figures came from; `what` finishes the link's name for screen readers. */
export function CsvLink({ url, what, file }: { url: string; what: string; file: string }) {
  return (
    <a className="csv-link" href={csvUrl(url)} download={`${file}.csv`} data-testid="csv-link">
      Download CSV<span className="visually-hidden"> of {what}</span>
    </a>
  );
}
