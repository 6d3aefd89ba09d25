/**
 * What tells the conversation view that a delivery status changed: a short fingerprint of the
 * conversations' latest outbound messages (ids and statuses). Whatever writes the status — the
 * outbox's workers, a turn's reply — the fingerprint changes with it; no writer has to announce it.
 */
import type { DbClient } from "../../store/prisma.ts";

/** Latest outbound messages looked at: a status older than these no longer changes in practice. */
const WATCHED = 50;

/** The fingerprint of the latest outbound messages of `conversationIds`. */
export async function deliveryFingerprint(db: DbClient, conversationIds: readonly string[]): Promise<string> {
  const rows = await db.message.findMany({
    where: { conversationId: { in: [...conversationIds] }, direction: "outbound" },
    orderBy: { id: "desc" },
    take: WATCHED,
    select: { id: true, status: true, error: true },
  });
  return rows.map((r) => `${r.id}:${r.status}:${r.error?.split(":")[0] ?? ""}`).join(",");
}
