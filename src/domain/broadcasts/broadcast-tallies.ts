/**
 * The one reader of a broadcast's delivery statuses: its recipients (BroadcastRecipient: pending,
 * queued, skipped with a reason, cancelled) and its messages (Message.broadcastId: queued,
 * sending, sent, failed with an error that says blocked, cancelled or uncertain). The report
 * (broadcast-report.ts) and its live view are built on these counts only, so a change in how the
 * outbox moves a message between statuses is adapted here, in one place. Who replied is read
 * here too: it depends on when a broadcast's message counts as sent.
 */
import { UNCERTAIN } from "../../outbox/outbound-worker.ts";
import type { Db } from "../../store/prisma.ts";

/** Raw counts of one broadcast's recipients and messages by status. */
export interface BroadcastTallies {
  /** `status` or `skipped:<reason>` → recipients. */
  recipients: Record<string, number>;
  /** Message status → messages. */
  messages: Record<string, number>;
  /** Failed messages whose error says the person blocked the bot. */
  failedBlocked: number;
  /** Failed messages withdrawn by a cancel. */
  failedCancelled: number;
  /** Failed messages whose delivery is unknown (a worker stopped during the platform call). */
  failedUncertain: number;
}

/** Counts broadcast `broadcastId`'s recipients and messages by status (five indexed queries). */
export async function broadcastTallies(db: Db, broadcastId: string): Promise<BroadcastTallies> {
  const failed = (error: object) => db.message.count({ where: { broadcastId, status: "failed", error } });
  const [recipients, messages, failedBlocked, failedCancelled, failedUncertain] = await Promise.all([
    db.broadcastRecipient.groupBy({
      by: ["status", "reason"],
      where: { broadcastId },
      _count: { _all: true },
    }),
    db.message.groupBy({ by: ["status"], where: { broadcastId }, _count: { _all: true } }),
    failed({ startsWith: "blocked" }),
    failed({ startsWith: "cancelled" }),
    failed({ equals: UNCERTAIN }),
  ]);
  const byRecipient: Record<string, number> = {};
  for (const r of recipients) {
    const key = r.status === "skipped" ? `skipped:${r.reason ?? ""}` : r.status;
    byRecipient[key] = (byRecipient[key] ?? 0) + r._count._all;
  }
  return {
    recipients: byRecipient,
    messages: Object.fromEntries(messages.map((m) => [m.status, m._count._all])),
    failedBlocked,
    failedCancelled,
    failedUncertain,
  };
}

/** Someone who wrote back after a broadcast's message reached them. */
export interface BroadcastReply {
  caseId: string | null;
  reference: string | null;
  /** The client's name as they gave it, if they did. */
  name: string | null;
  /** Their first message after the broadcast's was sent. */
  at: Date;
}

/** Who wrote back after broadcast `broadcastId` reached them, first reply first. */
export async function broadcastReplies(db: Db, broadcastId: string): Promise<BroadcastReply[]> {
  const rows = await db.$queryRaw<BroadcastReply[]>`
    SELECT r."caseId", c.reference, cl."displayName" AS name, min(i."createdAt") AS at
      FROM "BroadcastRecipient" r
      JOIN "Message" o ON o."broadcastId" = r."broadcastId" AND o."conversationId" = r."conversationId"
                      AND o.status = 'sent'
      JOIN "Message" i ON i."conversationId" = r."conversationId" AND i.direction = 'inbound'
                      AND i."createdAt" > o."sentAt"
      LEFT JOIN "Case" c ON c.id = r."caseId"
      LEFT JOIN "Client" cl ON cl.id = c."clientId"
     WHERE r."broadcastId" = ${broadcastId}
     GROUP BY r."caseId", c.reference, cl."displayName"
     ORDER BY at`;
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
}
