/**
 * Sending one taken message (a turn's reply or a sender's pick): wait for a moment within the
 * limits (pacer.ts), mark it `sending`, call the platform, write the outcome. 429 → channel paused;
 * 5xx/network → backoff; 403 → conversation blocked; `uncertain` → as its kind says (kinds.ts).
 */
import type pg from "pg";
import { type ChannelSender, SendError } from "../channels/types.ts";
import type { Logger } from "../logger.ts";
import type { Db } from "../store/prisma.ts";
import { KINDS } from "./kinds.ts";
import {
  failTaken,
  markSending,
  type ReleaseOptions,
  recordSent,
  release,
  type TakenMessage,
  toAddress,
  toOutbound,
} from "./message-store.ts";
import type { Pacer } from "./pacer.ts";

export interface SendContext {
  sql: pg.Pool;
  db: Db;
  logger: Logger;
  sender: ChannelSender;
  pacer: Pacer;
  /** Platform calls before a transient failure is final; retries after backoffMs, doubling. */
  attempts: number;
  backoffMs: number;
  /** A message that cannot go within this long (ms) goes back to the queue for later. */
  maxWaitMs: number;
  /** How long a `sending` message is held before sweepUncertain may take it (s). */
  sendingLeaseSeconds: number;
}

/** The default of SendContext.sendingLeaseSeconds: longer than a request's timeout (30 s). */
export const SENDING_LEASE_S = 60;
export type Delivered = "sent" | "failed" | "later" | "lost";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `message`, held under `token`, and records what happened. */
export async function deliver(ctx: SendContext, message: TakenMessage, token: string): Promise<Delivered> {
  const { sql } = ctx;
  const status = message.conversationStatus;
  if (status === "blocked" || (status !== "active" && !KINDS[message.kind].answer))
    return fail(ctx, message, token, `not sent: conversation ${status}`);
  if (message.text === null) return fail(ctx, message, token, "not sent: no text (erased)");
  const later = await waitForMoment(ctx, message.conversationId, ctx.sender.tenantOf?.(toAddress(message)));
  if (later > 0) return requeue(ctx, message, token, { afterMs: later });
  const marked = await markSending(sql, message.id, token, ctx.sendingLeaseSeconds).catch(async (error) => {
    // Committed or not, nothing was sent: back to queued, so it is not swept as uncertain.
    await withRetries(() => release(sql, message.id, token, { afterMs: 0, uncount: true }));
    throw error;
  });
  if (!marked) return "lost";
  // A 429 of this process while it waited: the reserved moment no longer holds.
  const paused = ctx.pacer.pausedLocally();
  if (paused > 0) return requeue(ctx, message, token, { afterMs: paused, uncount: true });
  let externalMessageId: string;
  try {
    ({ externalMessageId } = await ctx.sender.send(toAddress(message), toOutbound(message)));
  } catch (error) {
    return settle(ctx, message, token, error);
  }
  await withRetries(() => recordSent(sql, message.id, token, externalMessageId));
  return "sent";
}

/**
 * Waits for a reserved moment that no pause has overtaken. Returns 0 when the message may go now,
 * else how long (ms) it should wait in the queue instead (longer than `maxWaitMs`).
 */
export async function waitForMoment(
  ctx: Pick<SendContext, "pacer" | "maxWaitMs">,
  conversationId: string,
  tenant: string | undefined,
): Promise<number> {
  const deadline = Date.now() + ctx.maxWaitMs;
  for (;;) {
    // The moment comes after any pause; one that came during the wait is checked after it.
    const moment = await ctx.pacer.reserve(conversationId, tenant, Math.max(0, deadline - Date.now()));
    const ms = moment.reserved ? moment.waitMs : moment.busyMs;
    if (!moment.reserved && (moment.full || Date.now() + ms > deadline)) return Math.max(ms, 1);
    if (ms > 0) await sleep(ms);
    if (moment.reserved && (await ctx.pacer.go(conversationId, moment.member)) === 0) return 0;
  }
}

async function fail(ctx: SendContext, message: TakenMessage, token: string, reason: string) {
  await failTaken(ctx.sql, message.id, token, reason);
  const { id, conversationId } = message;
  ctx.logger.warn({ messageId: `${id}`, conversationId, reason: reason.split(":")[0] }, "outbound not sent");
  return "failed" as const;
}

/** Back to the queue, not before `afterMs` (release). */
async function requeue(ctx: SendContext, message: TakenMessage, token: string, options: ReleaseOptions) {
  await release(ctx.sql, message.id, token, options);
  return "later" as const;
}

/** What a failed platform call leaves: paused and later, blocked, resent, retried, or failed. */
async function settle(ctx: SendContext, message: TakenMessage, token: string, error: unknown) {
  const kind = error instanceof SendError ? error.kind : "transient";
  const reason = `${kind}: ${(error as Error).message}`.slice(0, 500);
  const log = { messageId: `${message.id}`, conversationId: message.conversationId };
  if (kind === "rate_limited") {
    const ms = Math.max(1, (error as SendError).retryAfterSeconds ?? 1) * 1000;
    await ctx.pacer.pause(ms);
    ctx.logger.warn({ ...log, waitMs: ms }, "platform rate limit: channel paused");
    return requeue(ctx, message, token, { afterMs: ms, reason });
  }
  if (kind === "blocked") {
    await blockConversation(ctx.db, message, reason);
    ctx.logger.warn(log, "conversation blocked the bot");
    return "failed" as const;
  }
  const attempts = message.attempts + 1;
  if (kind === "uncertain" && KINDS[message.kind].resendUncertain && attempts < 2)
    return requeue(ctx, message, token, { afterMs: 0, reason: `resent: ${reason}` });
  if (kind === "transient" && attempts < ctx.attempts)
    return requeue(ctx, message, token, { afterMs: ctx.backoffMs * 2 ** (attempts - 1), reason });
  return fail(ctx, message, token, reason);
}

/** A 403: the message failed, the conversation blocked, its pending nudges cancelled, at once. */
async function blockConversation(db: Db, message: TakenMessage, reason: string) {
  const { id, conversationId } = message;
  await db.$transaction([
    db.conversation.updateMany({ where: { id: conversationId }, data: { status: "blocked" } }),
    db.nudge.updateMany({
      where: { conversationId, status: "pending" },
      data: { status: "cancelled", reason: "blocked" },
    }),
    db.message.update({ where: { id }, data: { status: "failed", error: reason, leaseUntil: null } }),
  ]);
}

/** A write after the platform accepted a message is tried again for a while (a database outage). */
async function withRetries(write: () => Promise<void>, tries = 8): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= tries) throw error;
      await sleep(250 * 2 ** Math.min(attempt, 5));
    }
  }
}
