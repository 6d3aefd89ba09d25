/**
 * What becomes of a message whose platform call failed, the same for a single send job
 * (outbound-worker.ts) and a broadcast page (bulk-sender.ts):
 * - 403 (`blocked`): the message failed, the conversation blocked and its pending nudges
 *   cancelled, in one transaction (their Redis timers go at the reconciler's next pass).
 * - `permanent` (a bad request) or `uncertain` (the request left, no answer came: Telegram may have
 *   delivered it, so it is never sent again): failed.
 * - `transient` on the last attempt: failed.
 * - Otherwise (429, network, 5xx): nothing was delivered, so the message goes back to `queued`
 *   for the caller to try again — after `retryAfterMs` for a 429.
 */
import { SendError } from "../channels/types.ts";
import type { Logger } from "../logger.ts";
import type { Db } from "../store/prisma.ts";
import type { ChatPace } from "./chat-pace.ts";
import type { SendPacer } from "./send-pacer.ts";

export type SendFailure =
  | { outcome: "failed"; kind: SendError["kind"]; reason: string }
  | { outcome: "retry"; kind: "rate_limited" | "transient"; reason: string; retryAfterMs?: number };

/** A 429's `retry_after` in ms, or undefined for any other error: the caller pauses the slot lines first. */
export function rateLimitPause(error: unknown): number | undefined {
  if (!(error instanceof SendError) || error.kind !== "rate_limited") return undefined;
  return Math.max(1, error.retryAfterSeconds ?? 1) * 1000;
}

/** Marks a message failed with `reason` (kept short; it never holds message text). */
export async function failMessage(
  deps: { db: Db; logger: Logger },
  message: { id: bigint; conversationId: string },
  reason: string,
): Promise<"failed"> {
  await deps.db.message.update({
    where: { id: message.id },
    data: { status: "failed", error: reason.slice(0, 500) },
  });
  deps.logger.warn(
    {
      messageId: message.id.toString(),
      conversationId: message.conversationId,
      reason: reason.split(":")[0],
    },
    "outbound not sent",
  );
  return "failed";
}

/**
 * After a failed platform call, in this order: a 429 pauses the channel's slot lines for every
 * process (before the database write below, which takes a while), the chat's gap is given back
 * (nothing reached the chat), then settleSendFailure.
 */
export async function afterSendError(
  deps: { db: Db; logger: Logger; pace: Pick<ChatPace, "notSent">; pacer?: Pick<SendPacer, "pause"> },
  message: { id: bigint; conversationId: string },
  error: unknown,
  lastAttempt: boolean,
): Promise<SendFailure> {
  const pause = rateLimitPause(error);
  if (pause) await deps.pacer?.pause(pause);
  await deps.pace.notSent(message.conversationId).catch(() => undefined);
  return settleSendFailure(deps, message, error, lastAttempt);
}

/** Records what `error` means for message `id` (now `sending`) and says whether to try again. */
export async function settleSendFailure(
  deps: { db: Db; logger: Logger },
  message: { id: bigint; conversationId: string },
  error: unknown,
  lastAttempt: boolean,
): Promise<SendFailure> {
  const { db } = deps;
  const { id, conversationId } = message;
  const kind = error instanceof SendError ? error.kind : "transient";
  const reason = `${kind}: ${(error as Error).message}`.slice(0, 500);
  if (kind === "blocked") {
    // One transaction: whoever sees the message failed also sees the conversation blocked.
    await db.$transaction([
      db.conversation.updateMany({ where: { id: conversationId }, data: { status: "blocked" } }),
      db.nudge.updateMany({
        where: { conversationId, status: "pending" },
        data: { status: "cancelled", reason: "blocked" },
      }),
      db.message.update({ where: { id }, data: { status: "failed", error: reason } }),
    ]);
    deps.logger.warn({ messageId: id.toString(), conversationId }, "conversation blocked the bot");
    return { outcome: "failed", kind, reason };
  }
  if (kind === "permanent" || kind === "uncertain" || (kind === "transient" && lastAttempt)) {
    await failMessage(deps, message, reason);
    return { outcome: "failed", kind, reason };
  }
  // The platform answered with an error (or none reached it): not delivered, so sending again is safe.
  await db.message.updateMany({
    where: { id, status: "sending" },
    data: { status: "queued", error: reason },
  });
  if (kind === "rate_limited") {
    const retryAfterMs = rateLimitPause(error) ?? 1000;
    deps.logger.warn(
      { messageId: id.toString(), waitMs: retryAfterMs },
      "platform rate limit: channel paused",
    );
    return { outcome: "retry", kind, reason, retryAfterMs };
  }
  return { outcome: "retry", kind, reason };
}
