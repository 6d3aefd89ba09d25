/**
 * Sending one taken message (a turn's reply or a sender's pick): wait for a moment within the
 * limits (pacer.ts), mark it `sending`, call the platform, write the outcome. 429 → channel paused;
 * 5xx/network → backoff; 403 → conversation blocked; `uncertain` → as its kind says (kinds.ts).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { type ChannelSender, SendError } from "../channels/types.ts";
import type { Logger } from "../logger.ts";
import { markBlocked } from "../store/blocked.ts";
import type { Db } from "../store/prisma.ts";
import { withRetries } from "../store/retry.ts";
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
import type { Go, Pacer } from "./pacer.ts";

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

/** Sends `message`, held under `token`, and records what happened. */
export async function deliver(ctx: SendContext, message: TakenMessage, token: string) {
  const { sql } = ctx;
  const status = message.conversationStatus;
  if (status === "blocked" || (status !== "active" && !KINDS[message.kind].answer))
    return fail(ctx, message, token, `not sent: conversation ${status}`);
  if (message.text === null) return fail(ctx, message, token, "not sent: no text (erased)");
  const tenant = ctx.sender.tenantOf?.(toAddress(message));
  const moment = await waitForMoment(ctx, message.conversationId, tenant, false);
  if (typeof moment === "number") return requeue(ctx, message, token, { afterMs: moment });
  let go: Go;
  try {
    if (!(await markSending(sql, message.id, token, ctx.sendingLeaseSeconds))) return "lost" as const;
    // Once more right before the call, for every process: a 429 or late sends since the moment.
    go = await ctx.pacer.go(message.conversationId, tenant, moment, true);
  } catch (error) {
    // Nothing was sent: back to queued, so it is not swept as uncertain.
    await withRetries(() => release(sql, message.id, token, { afterMs: 0, uncount: true }));
    throw error;
  }
  if (go.waitMs > 0) return requeue(ctx, message, token, { afterMs: go.waitMs, uncount: true });
  let externalMessageId: string;
  try {
    ({ externalMessageId } = await ctx.sender.send(toAddress(message), toOutbound(message)));
  } catch (error) {
    return settle(ctx, message, token, error);
  }
  await withRetries(() => recordSent(sql, message.id, token, externalMessageId));
  return "sent" as const;
}

/**
 * Waits for a reserved moment that no pause has overtaken and whose windows have room. Returns the
 * moment's member (`leave`: counted as gone), or how long (ms) to wait in the queue instead.
 */
export async function waitForMoment(
  ctx: Pick<SendContext, "pacer" | "maxWaitMs">,
  conversationId: string,
  tenant: string | undefined,
  leave: boolean,
): Promise<string | number> {
  const deadline = Date.now() + ctx.maxWaitMs;
  for (;;) {
    // The moment comes after any pause; a pause begun while waiting for it means a new moment.
    const moment = await ctx.pacer.reserve(conversationId, tenant, Math.max(0, deadline - Date.now()));
    const ms = moment.reserved ? moment.waitMs : moment.busyMs;
    if (!moment.reserved && (moment.full || Date.now() + ms > deadline)) return Math.max(ms, 1);
    await sleep(ms);
    while (moment.reserved) {
      // Windows still full of sends that left late: wait for them, or in the queue.
      const go = await ctx.pacer.go(conversationId, tenant, moment.member, leave);
      if (go.waitMs === 0) return moment.member;
      if (go.paused) break;
      if (Date.now() + go.waitMs > deadline) return go.waitMs;
      await sleep(go.waitMs);
    }
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
    const failed = { status: "failed", error: reason, leaseUntil: null } as const;
    await markBlocked(ctx.db, message.conversationId, [
      ctx.db.message.update({ where: { id: message.id }, data: failed }),
    ]);
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
