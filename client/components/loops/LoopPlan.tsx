/** Plan: what the loop aims to move, to what, and why the team expects it to. */
import type { LoopItem } from '../../../common/api';
import { formatMetric, METRIC_INFO, metricValue } from '../../lib/loops-compare';
import { loopLengthDays } from '../../lib/loops-chart';
import { retrospectiveWords } from '../../lib/loops-state';

export function LoopPlan({
  loop,
}: {
  loop: Pick<LoopItem, 'plan' | 'metrics' | 'targetMet' | 'derived' | 'from' | 'to' | 'retrospective'>;
}) {
  const { plan } = loop;
  if (!plan) {
    return (
      <p className="muted" data-testid="loop-plan">
        {loop.derived
          ? `A cadence loop has no plan: it is a fixed ${loopLengthDays(loop)}-day window, so every scope has loops to compare.`
          : 'No target was planned for this loop.'}
      </p>
    );
  }
  const actual = metricValue(loop.metrics, plan.metric);
  const aim = plan.metric === 'deploymentFrequency' ? 'at least' : 'at most';
  const running = Date.parse(loop.to) > Date.now();
  return (
    <dl className="loop-plan" data-testid="loop-plan">
      <div>
        <dt>Aim</dt>
        <dd>
          {METRIC_INFO[plan.metric].label}: {aim} <strong data-testid="plan-target">{formatMetric(plan.metric, plan.target)}</strong>
        </dd>
      </div>
      <div>
        <dt>Result</dt>
        <dd>
          {formatMetric(plan.metric, actual)}{' '}
          {running ? (
            <span className="muted">(so far: the loop is still running)</span>
          ) : loop.targetMet === true ? (
            <strong className="met">✓ target met</strong>
          ) : loop.targetMet === false ? (
            <strong className="missed">✗ target not met</strong>
          ) : (
            <span className="muted">(no data yet)</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Hypothesis</dt>
        <dd className="hypothesis" data-testid="plan-hypothesis">
          {plan.hypothesis}
        </dd>
      </div>
      {loop.retrospective && (
        <div className="retrospective-note" data-testid="retrospective-note">
          <dt>Retrospective</dt>
          <dd>{retrospectiveWords(loop.retrospective)}</dd>
        </div>
      )}
    </dl>
  );
}
