/** The audit trail of a scope's loops in words: who changed what, when. */
import type { LoopAuditItem, LoopDecision, LoopMetric } from '../../common/api';
import { formatMetric, METRIC_INFO } from './loops-compare';

const ACTIONS: Record<LoopAuditItem['action'], string> = {
  plan: 'planned',
  edit: 'edited',
  act: 'recorded the act of',
  delete: 'deleted',
};

type Snapshot = Record<string, unknown>;
const asSnapshot = (v: unknown): Snapshot => (typeof v === 'object' && v !== null ? (v as Snapshot) : {});
const day = (v: unknown) => (typeof v === 'number' ? new Date(v).toISOString().slice(0, 10) : '—');
const isMetric = (v: unknown): v is LoopMetric => typeof v === 'string' && v in METRIC_INFO;

/** What a snapshot's plan says: "lead time (median) to 6 hours". */
function planWords(s: Snapshot): string {
  if (!isMetric(s.planMetric)) return 'no plan';
  const target = typeof s.planTarget === 'number' ? formatMetric(s.planMetric, s.planTarget) : '—';
  return `${METRIC_INFO[s.planMetric].label.toLowerCase()} to ${target}`;
}

/** The fields that changed, in words: `dates 2 Mar → 16 Mar`, `decision: adopt`. */
export function auditChanges(item: Pick<LoopAuditItem, 'action' | 'before' | 'after'>): string[] {
  const before = asSnapshot(item.before);
  const after = asSnapshot(item.after);
  if (item.action === 'plan') {
    return [`${day(after.fromAt)} to ${day(typeof after.toAt === 'number' ? after.toAt - 1 : null)}`, `target: ${planWords(after)}`];
  }
  if (item.action === 'delete') return [];
  const out: string[] = [];
  if (before.name !== after.name) out.push(`name: “${String(before.name)}” → “${String(after.name)}”`);
  if (before.fromAt !== after.fromAt || before.toAt !== after.toAt) {
    const last = (s: Snapshot) => day(typeof s.toAt === 'number' ? s.toAt - 1 : null);
    out.push(`dates: ${day(before.fromAt)}–${last(before)} → ${day(after.fromAt)}–${last(after)}`);
  }
  if (before.planMetric !== after.planMetric || before.planTarget !== after.planTarget)
    out.push(`target: ${planWords(before)} → ${planWords(after)}`);
  if (before.planHypothesis !== after.planHypothesis) out.push('hypothesis changed');
  if (before.actDecision !== after.actDecision || before.actNotes !== after.actNotes) {
    out.push(typeof after.actDecision === 'string' ? `decision: ${after.actDecision as LoopDecision}` : 'decision removed');
  }
  return out;
}

/** "loopback planned “Smaller pull requests”". */
export function auditSentence(item: Pick<LoopAuditItem, 'action' | 'actor' | 'name'>): string {
  return `${item.actor} ${ACTIONS[item.action]} “${item.name}”`;
}
