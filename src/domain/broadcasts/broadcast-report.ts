/**
 * What happened to a broadcast, person by person, as counts: sent, pending, failed (delivery
 * unknown counted apart), blocked, opted out, no text in their language, erased, cancelled — and
 * who replied (an inbound message after theirs was sent). Every recipient is in exactly one of
 * sent / pending / failed / blocked / optedOut / noText / erased / cancelled.
 */
import type { Broadcast } from "../../generated/prisma/client.ts";
import { UNCERTAIN } from "../../outbox/kinds.ts";
import type { Db } from "../../store/prisma.ts";
import { DomainError } from "../errors.ts";
import { describeSegment, segmentSchema } from "./segment.ts";

export interface BroadcastReport {
  broadcast: Pick<
    Broadcast,
    "id" | "kind" | "status" | "sendAt" | "startedAt" | "finishedAt" | "cancelledAt" | "createdAt"
  >;
  segment: string;
  recipients: number;
  sent: number;
  /** Not written yet, or waiting in the outbound queue. */
  pending: number;
  failed: number;
  /** Of `failed`: a worker stopped during the platform call; the person may have it. */
  uncertain: number;
  blocked: number;
  optedOut: number;
  noText: number;
  /** Erased their data before their message went. */
  erased: number;
  cancelled: number;
  /** Cases whose client wrote back after the broadcast reached them, first reply first. */
  replied: { caseId: string | null; reference: string | null; at: Date }[];
}

/** The report of broadcast `broadcastId`, which must belong to `organisationSlug`. */
export async function broadcastReport(
  db: Db,
  input: { broadcastId: string; organisationSlug: string },
): Promise<BroadcastReport> {
  const broadcast = await db.broadcast.findUnique({
    where: { id: input.broadcastId },
    include: { organisation: { select: { slug: true } } },
  });
  if (!broadcast || broadcast.organisation.slug !== input.organisationSlug.trim().toLowerCase())
    throw new DomainError(`No broadcast ${input.broadcastId} in ${input.organisationSlug}.`);
  const id = broadcast.id;
  const [recipients, messages, blockedFailed, cancelledFailed, uncertain, replied] = await Promise.all([
    db.broadcastRecipient.groupBy({
      by: ["status", "reason"],
      where: { broadcastId: id },
      _count: { _all: true },
    }),
    db.message.groupBy({ by: ["status"], where: { broadcastId: id }, _count: { _all: true } }),
    db.message.count({ where: { broadcastId: id, status: "failed", error: { startsWith: "blocked" } } }),
    db.message.count({ where: { broadcastId: id, status: "failed", error: { startsWith: "cancelled" } } }),
    db.message.count({ where: { broadcastId: id, status: "failed", error: UNCERTAIN } }),
    db.$queryRaw<{ caseId: string | null; reference: string | null; at: Date }[]>`
      SELECT r."caseId", c.reference, min(i."createdAt") AS at
        FROM "BroadcastRecipient" r
        JOIN "Message" o ON o."broadcastId" = r."broadcastId" AND o."conversationId" = r."conversationId"
                        AND o.status = 'sent'
        JOIN "Message" i ON i."conversationId" = r."conversationId" AND i.direction = 'inbound'
                        AND i."createdAt" > o."sentAt"
        LEFT JOIN "Case" c ON c.id = r."caseId"
       WHERE r."broadcastId" = ${id}
       GROUP BY r."caseId", c.reference
       ORDER BY at`,
  ]);
  const skipped = (reason: string) =>
    recipients
      .filter((r) => r.status === "skipped" && r.reason === reason)
      .reduce((n, r) => n + r._count._all, 0);
  const recipientCount = (status: string) =>
    recipients.filter((r) => r.status === status).reduce((n, r) => n + r._count._all, 0);
  const messageCount = (status: string) => messages.find((m) => m.status === status)?._count._all ?? 0;
  return {
    broadcast: {
      id,
      kind: broadcast.kind,
      status: broadcast.status,
      sendAt: broadcast.sendAt,
      startedAt: broadcast.startedAt,
      finishedAt: broadcast.finishedAt,
      cancelledAt: broadcast.cancelledAt,
      createdAt: broadcast.createdAt,
    },
    segment: describeSegment(segmentSchema.parse(broadcast.segment)),
    recipients: recipients.reduce((n, r) => n + r._count._all, 0),
    sent: messageCount("sent"),
    pending: recipientCount("pending") + messageCount("queued") + messageCount("sending"),
    failed: messageCount("failed") - blockedFailed - cancelledFailed,
    uncertain,
    blocked: skipped("blocked") + blockedFailed,
    optedOut: skipped("opted_out"),
    noText: skipped("no_text"),
    erased: skipped("erased"),
    cancelled: recipientCount("cancelled") + cancelledFailed,
    replied: replied.map((r) => ({ caseId: r.caseId, reference: r.reference, at: new Date(r.at) })),
  };
}
