/**
 * How a set of outbound messages fared (a broadcast, a day's reminders): counts by delivery
 * status, with the failures whose delivery is unknown counted apart.
 */
import type { Db, Prisma } from "../store/prisma.ts";
import { UNCERTAIN } from "./kinds.ts";

export interface DeliveryCounts {
  total: number;
  queued: number;
  sending: number;
  sent: number;
  /** Everything failed, `uncertain` included. */
  failed: number;
  /** Failed because a worker stopped during the platform call: the person may have it, or not. */
  uncertain: number;
}

/** Counts the outbound messages matching `where` (e.g. `{ idempotencyKey: { startsWith: "broadcast:<id>:" } }`). */
export async function deliveryCounts(db: Db, where: Prisma.MessageWhereInput): Promise<DeliveryCounts> {
  const scope: Prisma.MessageWhereInput = { AND: [where, { direction: "outbound" }] };
  const [groups, uncertain] = await Promise.all([
    db.message.groupBy({ by: ["status"], where: scope, _count: { _all: true } }),
    db.message.count({ where: { AND: [scope, { status: "failed", error: UNCERTAIN }] } }),
  ]);
  const counts: DeliveryCounts = { total: 0, queued: 0, sending: 0, sent: 0, failed: 0, uncertain };
  for (const group of groups) {
    counts.total += group._count._all;
    if (group.status !== "received") counts[group.status] += group._count._all;
  }
  return counts;
}
