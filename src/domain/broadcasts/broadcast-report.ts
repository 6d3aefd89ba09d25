/**
 * What happened to a broadcast, person by person, as counts: sent, pending, failed (delivery
 * unknown counted apart), blocked, opted out, no text in their language, erased, cancelled — and
 * who replied (an inbound message after theirs was sent). Every recipient is in exactly one of
 * sent / pending / failed / blocked / optedOut / noText / erased / cancelled.
 */
import type { Broadcast } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { DomainError } from "../errors.ts";
import { type BroadcastReply, broadcastReplies, broadcastTallies } from "./broadcast-tallies.ts";
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
  replied: BroadcastReply[];
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
  const [tallies, replied] = await Promise.all([broadcastTallies(db, id), broadcastReplies(db, id)]);
  const recipient = (key: string) => tallies.recipients[key] ?? 0;
  const message = (status: string) => tallies.messages[status] ?? 0;
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
    recipients: Object.values(tallies.recipients).reduce((n, count) => n + count, 0),
    sent: message("sent"),
    pending: recipient("pending") + message("queued") + message("sending"),
    failed: message("failed") - tallies.failedBlocked - tallies.failedCancelled,
    uncertain: tallies.failedUncertain,
    blocked: recipient("skipped:blocked") + tallies.failedBlocked,
    optedOut: recipient("skipped:opted_out"),
    noText: recipient("skipped:no_text"),
    erased: recipient("skipped:erased"),
    cancelled: recipient("cancelled") + tallies.failedCancelled,
    replied,
  };
}
