/**
 * The read services: every answer of the read API, as async functions of the context's read
 * state and configuration, callable without HTTP. The routes (server/routes/read.ts, summary.ts,
 * prometheus.ts) parse, authorise, call one and respond; `npx deming export` calls them directly.
 */
export type { ReadContext, Table } from './context';
export { createReadState, type ReadState } from './state';
export { scopedWindow, type ScopedWindow } from './query';
export { metricsOf, seriesOf, metricsTable, seriesTable, MAX_BUCKETS } from './metrics';
export { changesTable, deploymentsTable, incidentsTable, ciRunsTable, changeColumns } from './lists';
export { summaryTable, childrenTable, prepareSummaries, keepSummariesCurrent } from './summary';
export { orgOf } from './org';
export { prometheusFigures } from './prometheus';
