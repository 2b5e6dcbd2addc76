/** SQL for digest_log: the last digest each address received, per cadence. */
import type { DigestCadence } from '../domain/types.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

/** Where the next digest to this address starts: the end of the last one, or undefined. */
export function lastCoveredTo(db: Db, email: string, cadence: DigestCadence): string | undefined {
  return prepared(db, 'SELECT covered_to FROM digest_log WHERE email = ? AND cadence = ? ORDER BY covered_to DESC LIMIT 1')
    .pluck()
    .get(email, cadence) as string | undefined;
}

/** Records a digest; call in the transaction that enqueues it. */
export function recordDigest(
  db: Db,
  d: { email: string; cadence: DigestCadence; slot: string; coveredTo: string; outboxId: number },
): void {
  db.prepare(
    `INSERT INTO digest_log (email, cadence, slot, covered_to, outbox_id) VALUES (@email, @cadence, @slot, @coveredTo, @outboxId)
     ON CONFLICT DO NOTHING`,
  ).run(d);
}
