/**
 * The frame every chart of a scope page shares: heading, "Download CSV", legend, the loading,
 * error and empty states, then the chart, a sentence saying what it shows, and its table.
 */
import type { ReactNode } from 'react';
import type { ApiError } from '../../lib/api-client';
import { CsvLink } from '../summary/CsvLink';
import { EmptyState, ErrorMessage, Loading } from '../States';

interface Props {
  /** Also the panel's `data-testid`. */
  id: string;
  title: string;
  csv: { url: string; what: string; file: string };
  legend?: ReactNode;
  note?: ReactNode;
  state: { error: ApiError | null; retry: () => void; ready: boolean };
  /** What to say instead of an empty chart; null when there is something to draw. */
  empty: ReactNode | null;
  /** The chart in words (also for screen readers, who cannot see the canvas). */
  summary: string;
  chart: ReactNode;
  /** The chart's figures (a `ChartTable`). */
  table: ReactNode;
}

export function ChartPanel({ id, title, csv, legend, note, state, empty, summary, chart, table }: Props) {
  return (
    <section className="panel chart-panel" aria-labelledby={`${id}-heading`} data-testid={id}>
      <div className="panel-title-row">
        <h2 id={`${id}-heading`}>{title}</h2>
        <CsvLink {...csv} />
      </div>
      {legend}
      {note && <p className="legend-note">{note}</p>}
      {state.error ? (
        <ErrorMessage title={`Could not load the ${title.toLowerCase()}`} error={state.error} onRetry={state.retry} />
      ) : !state.ready ? (
        <Loading label={`Loading the ${title.toLowerCase()}…`} />
      ) : empty !== null ? (
        <EmptyState>{empty}</EmptyState>
      ) : (
        <>
          {chart}
          <p className="chart-summary" data-testid="chart-summary">
            {summary}
          </p>
          {table}
        </>
      )}
    </section>
  );
}
