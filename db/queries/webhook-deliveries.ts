/**
 * Webhook deliveries already applied (or ignored), by the id their sender gives each one
 * (GitHub's `X-GitHub-Delivery`), so that a delivery sent again is acknowledged and not applied
 * twice, across restarts and across instances that share the database.
 */
import type { Db } from '../connection';
import { prepared } from '../prepared';

/** How long a delivery is remembered at least: GitHub lets a delivery be redelivered for 3 days. */
export const DELIVERY_MEMORY_MS = 72 * 3_600_000;

export interface DeliveryRow {
  event: string;
  receivedAt: number;
}

/** The delivery with this id from this source, when it was received before. */
export function findDelivery(db: Db, source: string, deliveryId: string): DeliveryRow | undefined {
  return prepared<[string, string], DeliveryRow>(
    db,
    `SELECT event, received_at AS receivedAt FROM webhook_deliveries
    WHERE source = ? AND delivery_id = ?`,
  ).get(source, deliveryId);
}

/**
 * Remembers a delivery received at `at`; false when it was remembered already (another request
 * or instance got there first). Forgets the deliveries older than {@link DELIVERY_MEMORY_MS}
 * as it goes: with the index on `received_at`, one seek when there is nothing to forget.
 * Call it in the transaction that stores what the delivery meant, so that it is remembered
 * only if that is stored.
 */
export function recordDelivery(db: Db, source: string, deliveryId: string, event: string, at: number): boolean {
  const inserted =
    prepared(
      db,
      `INSERT INTO webhook_deliveries (source, delivery_id, event, received_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (source, delivery_id) DO NOTHING`,
    ).run(source, deliveryId, event, at).changes > 0;
  if (inserted) prepared(db, 'DELETE FROM webhook_deliveries WHERE received_at < ?').run(at - DELIVERY_MEMORY_MS);
  return inserted;
}

/** A delivery to remember with what it meant: stored in the same transaction, or neither is. */
export interface DeliveryRecord {
  source: string;
  deliveryId: string;
  event: string;
  at: number;
}

/** The delivery was recorded already (another request or instance got there first): what it meant is not stored again. */
export class DeliveryRecordedAlready extends Error {
  constructor(readonly delivery: DeliveryRecord) {
    super(`delivery ${delivery.deliveryId} from ${delivery.source} was recorded already`);
    this.name = 'DeliveryRecordedAlready';
  }
}

/** {@link recordDelivery}, throwing {@link DeliveryRecordedAlready} (which undoes the transaction) when it was remembered already. */
export function recordDeliveryOnce(db: Db, d: DeliveryRecord): void {
  if (!recordDelivery(db, d.source, d.deliveryId, d.event, d.at)) throw new DeliveryRecordedAlready(d);
}
