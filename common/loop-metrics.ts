/** What a loop's target is compared with, shared by the server's Check and the dashboard. */
import type { FiveMetrics, LoopMetric } from './api';

/** The figure of a metric that loops compare and targets aim at (canonical units), null without data. */
export function metricValue(m: FiveMetrics, metric: LoopMetric): number | null {
  switch (metric) {
    case 'leadTime':
      return m.leadTime.p50;
    case 'timeToRestore':
      return m.timeToRestore.p50;
    case 'deploymentFrequency':
      return m.deploymentFrequency.count === 0 ? null : m.deploymentFrequency.perWeek;
    case 'changeFailureRate':
      return m.changeFailureRate.rate;
    case 'reworkRate':
      return m.reworkRate.rate;
  }
}
