/**
 * A broadcast's fan-out: one outbox message per recipient, page by page, resumable at any point.
 *
 * 1. Recipients are fixed once, in one transaction with `startedAt`: the segment's members with
 *    their conversation and the language of the text they get; opted-out, blocked and no-text
 *    people are recorded as skipped, with the reason (so the report accounts for everyone).
 * 2. Each page of pending recipients gets its messages (key `broadcast:<id>:<conversationId>`,
 *    unique) in the same transaction that marks them queued; the send jobs are added after the
 *    commit. A run stopped anywhere and started again neither loses nor doubles anyone: a
 *    recipient is pending until its message is written, and a written message is never written
 *    again; messages whose jobs may not have been added are dispatched again on resume.
 * 3. A cancelled broadcast stops between pages (cancelBroadcast marks the rest).
 * 4. Flow control: the fan-out keeps at most `ahead` messages (default three pages) written and
 *    not yet sent, and writes the next page as the sends catch up. Writing 20,000 messages at
 *    once made the database and the workers' CPU the bottleneck for the sends going on at the
 *    same time (bench/broadcast.ts); paced, the writing costs the same, spread over the send.
 *    It also keeps Redis and the outbox small for a big broadcast, and a cancel withdraws more.
 *    When nothing is sent for STALL_MS (no outbound worker running), it writes on regardless.
 */

import type { ChannelName } from "../../channels/types.ts";
import type { Output } from "../../engine/types.ts";
import { renderOutputs } from "../../i18n/render.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { OutboundInput, Outbox } from "../../outbox/outbox.ts";
import type { Db } from "../../store/prisma.ts";
import { textLocaleFor } from "./broadcast-language.ts";
import { segmentMembers, segmentSchema } from "./segment.ts";

export interface FanOutDeps {
  db: Db;
  outbox: Pick<Outbox, "writeMany" | "dispatch" | "dispatchNew">;
  translator: Translator;
  now?: () => Date;
  /** Recipients per transaction (default 1000). */
  pageSize?: number;
  /** Messages written and not yet sent before the fan-out waits (default 3 × pageSize). */
  ahead?: number;
  /** No send for this long: the fan-out writes on regardless (default STALL_MS). */
  stallMs?: number;
  /** Called after each page is committed and dispatched (tests stop a run there). */
  onPage?: (written: number) => Promise<void> | void;
}

/** How often the fan-out looks whether the sends have caught up (ms). */
const POLL_MS = 100;
/** With no send for this long, the fan-out stops waiting for sends and writes the next page. */
export const STALL_MS = 30_000;

export type FanOutOutcome = "done" | "cancelled" | "not due" | "not found" | "already sent";

const INSERT_CHUNK = 5000;

/**
 * The next page of a broadcast's pending recipients after the chat `$2`, in chat order (`$3` of
 * them), each with its conversation's state now. A range of the index (broadcastId, status,
 * conversationId): it reads the page's rows and no more. With the index on (broadcastId, status)
 * alone, on a table the fan-out had just filled (never analysed), the planner read every pending
 * recipient and its conversation, then sorted: 17,000 rows and 50–75 ms a page, on the database
 * the sends' claims wait for (bench/broadcast.ts). test/domain/broadcasts/recipient-page-plan.test.ts
 * checks it.
 */
export const RECIPIENT_PAGE_SQL = `
SELECT r."conversationId", r.locale, c.status::text AS status, c.channel::text AS channel
  FROM "BroadcastRecipient" AS r
  LEFT JOIN "Conversation" AS c ON c.id = r."conversationId"
 WHERE r."broadcastId" = $1 AND r.status = 'pending' AND r."conversationId" > $2
 ORDER BY r."conversationId"
 LIMIT $3`;

/** The message a recipient gets: the counsellor's text under a header in the same language. */
export function broadcastOutput(kind: string, text: string): Output {
  return { key: kind === "job_update" ? "broadcasts.job_update" : "broadcasts.programme", params: { text } };
}

export async function fanOutBroadcast(
  deps: FanOutDeps,
  broadcastId: string,
): Promise<{ outcome: FanOutOutcome; written: number; sendAt?: Date }> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const broadcast = await db.broadcast.findUnique({ where: { id: broadcastId } });
  if (!broadcast) return { outcome: "not found", written: 0 };
  if (broadcast.status === "cancelled") return { outcome: "cancelled", written: 0 };
  if (broadcast.status === "sent") return { outcome: "already sent", written: 0 };
  if (broadcast.sendAt.getTime() > now.getTime() + 1000)
    return { outcome: "not due", written: 0, sendAt: broadcast.sendAt };
  const texts = broadcast.texts as Record<string, string>;
  const fallbacks = broadcast.fallbacks as Record<string, string>;

  if (!broadcast.startedAt) {
    await db.$transaction(
      async (tx) => {
        const claimed = await tx.broadcast.updateMany({
          where: { id: broadcast.id, startedAt: null, status: "scheduled" },
          data: { status: "sending", startedAt: now },
        });
        if (!claimed.count) return; // cancelled meanwhile, or another run fixed them
        const members = await segmentMembers(
          tx,
          broadcast.organisationId,
          segmentSchema.parse(broadcast.segment),
        );
        const rows = members
          .filter((m) => m.conversationId !== null)
          .map((m) => {
            const locale = textLocaleFor(m.locale, texts, fallbacks);
            const skipped =
              m.conversationStatus !== "active" ? m.conversationStatus : locale === null ? "no_text" : null;
            return {
              broadcastId: broadcast.id,
              conversationId: m.conversationId as string,
              caseId: m.caseId,
              locale,
              status: skipped ? ("skipped" as const) : ("pending" as const),
              reason: skipped,
            };
          });
        // Plain SQL over unnest: the ORM's createMany took 0.6 s per 5,000 (bench/broadcast.ts).
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          const chunk = rows.slice(i, i + INSERT_CHUNK);
          await tx.$executeRaw`
            INSERT INTO "BroadcastRecipient" ("broadcastId", "conversationId", "caseId", locale, status, reason)
            SELECT ${broadcast.id}, u.conversation, u.case_id, u.locale, u.status::"RecipientStatus", u.reason
              FROM unnest(${chunk.map((r) => r.conversationId)}::text[], ${chunk.map((r) => r.caseId)}::text[],
                          ${chunk.map((r) => r.locale)}::text[], ${chunk.map((r) => r.status)}::text[],
                          ${chunk.map((r) => r.reason)}::text[])
                   AS u(conversation, case_id, locale, status, reason)
            ON CONFLICT DO NOTHING`;
        }
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
  } else {
    // Resumed: messages written by the stopped run may never have been given their send jobs.
    const waiting = await db.message.findMany({
      where: { broadcastId: broadcast.id, status: "queued" },
      select: { id: true },
    });
    await deps.outbox.dispatch(waiting.map((m) => m.id));
  }

  // One text per language: rendered once, not once per recipient.
  const rendered = new Map<string, ReturnType<typeof renderOutputs>[number]>();
  const renderedIn = (locale: string) => {
    let message = rendered.get(locale);
    if (!message) {
      [message] = renderOutputs(
        [broadcastOutput(broadcast.kind, texts[locale] ?? "")],
        locale,
        deps.translator,
      );
      if (!message) throw new Error("a broadcast message rendered to nothing");
      rendered.set(locale, message);
    }
    return message;
  };
  let written = 0;
  const pageSize = deps.pageSize ?? 500;
  // Keyset paging in conversation order: each page starts after the last one's last recipient.
  let after = "";
  const ahead = deps.ahead ?? 3 * pageSize;
  for (;;) {
    await waitForSends(db, broadcast.id, ahead, deps.stallMs ?? STALL_MS);
    const current = await db.broadcast.findUnique({ where: { id: broadcast.id }, select: { status: true } });
    if (current?.status === "cancelled") return { outcome: "cancelled", written };
    // Plain SQL from here on: through the ORM, queries with a thousand ids cost the worker more
    // CPU (query compilation) than the rest of the fan-out, and held up its sends (bench/broadcast.ts).
    // Each recipient with the conversation's state now: someone who opted out or erased their
    // data since the recipients were fixed gets nothing.
    const page = await db.$queryRawUnsafe<
      { conversationId: string; locale: string | null; status: string | null; channel: ChannelName | null }[]
    >(RECIPIENT_PAGE_SQL, broadcast.id, after, pageSize);
    if (!page.length) break;
    after = (page.at(-1) as { conversationId: string }).conversationId;
    const gone = page.filter((r) => r.status !== "active");
    if (gone.length) {
      await db.$executeRaw`
        UPDATE "BroadcastRecipient" AS r
           SET status = 'skipped', reason = u.reason
          FROM unnest(${gone.map((r) => r.conversationId)}::text[], ${gone.map((r) => r.status ?? "erased")}::text[])
               AS u(conversation, reason)
         WHERE r."broadcastId" = ${broadcast.id} AND r."conversationId" = u.conversation
           AND r.status = 'pending'`;
    }
    const sendable = page.filter((r) => r.status === "active");
    const channels = new Map(sendable.map((r) => [r.conversationId, r.channel as ChannelName]));
    const inputs: OutboundInput[] = sendable.map((recipient) => {
      const rendered = renderedIn(recipient.locale ?? "en");
      return {
        conversationId: recipient.conversationId,
        idempotencyKey: `broadcast:${broadcast.id}:${recipient.conversationId}`,
        messageKey: rendered.key,
        message: rendered.message,
        broadcastId: broadcast.id,
      };
    });
    const ids = await db.$transaction(async (tx) => {
      const created = await deps.outbox.writeMany(tx, inputs);
      await tx.$executeRaw`
        UPDATE "BroadcastRecipient"
           SET status = 'queued'
         WHERE "broadcastId" = ${broadcast.id} AND status = 'pending'
           AND "conversationId" = ANY(${sendable.map((r) => r.conversationId)}::text[])`;
      return created;
    });
    // Every written row is for a sendable recipient, whose channel `channels` holds.
    await deps.outbox.dispatchNew(
      ids.map((row) => ({ ...row, channel: channels.get(row.conversationId) as ChannelName })),
    );
    written += ids.length;
    await deps.onPage?.(written);
  }
  await db.broadcast.updateMany({
    where: { id: broadcast.id, status: "sending" },
    data: { status: "sent", finishedAt: new Date() },
  });
  return { outcome: "done", written };
}

/** Waits until fewer than `ahead` of the broadcast's messages wait to be sent, or none is sent for `stallMs`. */
async function waitForSends(db: Db, broadcastId: string, ahead: number, stallMs: number): Promise<void> {
  let fewest = Number.POSITIVE_INFINITY;
  let since = Date.now();
  for (;;) {
    const [row] = await db.$queryRaw<{ waiting: number }[]>`
      SELECT count(*)::int AS waiting FROM "Message" WHERE "broadcastId" = ${broadcastId} AND status = 'queued'`;
    const waiting = row?.waiting ?? 0;
    if (waiting < ahead) return;
    if (waiting < fewest) {
      fewest = waiting;
      since = Date.now();
    } else if (Date.now() - since > stallMs) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
