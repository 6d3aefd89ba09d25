/**
 * Sending one message (a turn's reply or a sender's pick): wait for a moment within the limits
 * (pacer.ts), take it as `sending`, call the platform, write the outcome. 429 → channel paused;
 * 5xx/network → backoff; 403 → conversation blocked; `uncertain` → as its kind says (kinds.ts).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { addressOf, type ChannelSender, type ConversationAddress, SendError } from "../channels/types.ts";
import type { Logger } from "../logger.ts";
import { markBlocked } from "../store/blocked.ts";
import type { Db } from "../store/prisma.ts";
import { withRetries } from "../store/retry.ts";
import { KINDS } from "./kinds.ts";
import type { ReleaseOptions, TakenMessage } from "./message-store.ts";
import { failTaken, recordSent, release, takeSending, toOutbound } from "./message-store.ts";
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

/** A message to send as its sender knows it before taking it: its id and chat. */
export type Chat = { conversationId: string; address: ConversationAddress };
export type Target = Chat & { id: bigint };

/** Sends `message`, picked under `token` (a loop's), and records what happened. */
export async function deliver(ctx: SendContext, message: TakenMessage, token: string) {
  const refused = refusal(message);
  if (refused) return fail(ctx, message, token, refused);
  return deliverAt(ctx, { ...message, address: addressOf(message) }, token);
}

/**
 * Sends message `to` under `token` and records what happened. The moment first, then one statement
 * takes the row as `sending` (takeSending), then `go` right before the request: a row is `sending`
 * only while its request leaves. "wait": an earlier message holds it back; "lost": settled.
 */
export async function deliverAt(ctx: SendContext, to: Target, token: string) {
  const { sql, pacer } = ctx;
  const { id, conversationId } = to;
  const tenant = ctx.sender.tenantOf?.(to.address);
  const moment = await waitForMoment(ctx, conversationId, tenant, false);
  if (typeof moment === "number") return requeue(ctx, id, token, { afterMs: moment });
  // A moment whose message was not taken (or not sent) is given back: it holds back no other.
  const giveBack = <T>(r: T) =>
    pacer.cancel(conversationId, tenant, moment).then(
      () => r,
      () => r,
    );
  let message: Awaited<ReturnType<typeof takeSending>>;
  let go: Go;
  try {
    message = await takeSending(sql, id, token, ctx.sendingLeaseSeconds);
    if (message === null || message === "wait") return giveBack(message ?? ("lost" as const));
    const refused = refusal(message); // a turn's: read with the take
    if (refused) return giveBack(await fail(ctx, message, token, refused));
    // Once more right before the call, for every process: a 429 or late sends since the moment.
    go = await pacer.go(conversationId, tenant, moment, true);
  } catch (error) {
    // Nothing was sent: back to queued, so it is not swept as uncertain.
    await giveBack(undefined);
    await withRetries(() => release(sql, id, token, { afterMs: 0, uncount: true }));
    throw error;
  }
  if (go.waitMs > 0) return requeue(ctx, id, token, { afterMs: go.waitMs, uncount: true });
  let externalMessageId: string;
  try {
    ({ externalMessageId } = await ctx.sender.send(addressOf(message), toOutbound(message)));
  } catch (error) {
    return settle(ctx, message, token, error);
  }
  await withRetries(() => recordSent(sql, id, token, externalMessageId));
  return "sent" as const;
}

/** Why `message` is not sent at all (failed): its conversation blocked or stopped, its text erased. */
function refusal({ conversationStatus: status, kind, text }: TakenMessage) {
  if (status === "blocked" || (status !== "active" && !KINDS[kind].answer))
    return `not sent: conversation ${status}`;
  return text === null ? "not sent: no text (erased)" : "";
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
    if (moment.reserved && ms === 0 && !leave) return moment.member; // room now; `go` checks after the mark
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
async function requeue(ctx: SendContext, id: bigint, token: string, options: ReleaseOptions) {
  await release(ctx.sql, id, token, options);
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
    return requeue(ctx, message.id, token, { afterMs: ms, reason });
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
    return requeue(ctx, message.id, token, { afterMs: 0, reason: `resent: ${reason}` });
  if (kind === "transient" && attempts < ctx.attempts)
    return requeue(ctx, message.id, token, { afterMs: ctx.backoffMs * 2 ** (attempts - 1), reason });
  return fail(ctx, message, token, reason);
}
