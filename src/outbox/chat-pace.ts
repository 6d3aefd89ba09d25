/**
 * Pacing per chat, across every worker process: proactive messages to one conversation leave in
 * the order they were written, and at least `gapMs` apart (Telegram: about one message per
 * second in a chat). A message that may not go yet gets how long to wait; the worker puts its job
 * back as delayed for that long, so other chats are never held back.
 */
import type { Redis } from "ioredis";
import type { Db } from "../store/prisma.ts";
import { ORDER_WINDOW_MS } from "./send-claim.ts";

/** How long a message waits for an earlier one of its chat when there is no gap to wait for. */
const ORDER_RETRY_MS = 200;

export interface ChatPace {
  /**
   * 0 when message `messageId` may be sent now (and the chat's gap is then taken by it), else the
   * milliseconds to wait.
   */
  waitFor(conversationId: string, messageId: bigint, bulk?: boolean): Promise<number>;
  /**
   * Takes the chat's gap if it is free (true), without the order check: for the hot path, whose
   * claim checks the order itself (send-claim.ts). Give it back with `notSent` if nothing goes.
   */
  takeGap(conversationId: string): Promise<boolean>;
  /** The Redis key of a chat's gap (the pacer takes it in the same call as a send slot). */
  gapKey(conversationId: string): string;
  readonly gapMs: number;
  /** The platform refused it (nothing delivered): its retry need not wait for the chat's gap. */
  notSent(conversationId: string): Promise<void>;
}

export function createChatPace(deps: { db: Db; redis: Redis; prefix: string; gapMs: number }): ChatPace {
  const key = (conversationId: string) => `${deps.prefix}:chat-gap:${conversationId}`;
  return {
    async waitFor(conversationId, messageId, bulk = false) {
      const earlier = await deps.db.message.findFirst({
        where: {
          conversationId,
          direction: "outbound",
          proactive: true,
          id: { lt: messageId },
          status: { in: ["queued", "sending"] },
          // A broadcast's messages (bulk, last in the queue) never hold back one that is not.
          ...(bulk ? {} : { broadcastId: null }),
          createdAt: { gt: new Date(Date.now() - ORDER_WINDOW_MS) },
        },
        select: { id: true },
      });
      if (earlier) return Math.max(deps.gapMs, ORDER_RETRY_MS);
      if (!deps.gapMs) return 0;
      const free = await deps.redis.set(key(conversationId), "1", "PX", deps.gapMs, "NX");
      if (free) return 0;
      const left = await deps.redis.pttl(key(conversationId));
      // -2: expired in between; -1 cannot happen (always set with PX). Wait a little either way.
      return Math.max(left, 20);
    },
    gapKey: key,
    gapMs: deps.gapMs,
    async takeGap(conversationId) {
      if (!deps.gapMs) return true;
      return (await deps.redis.set(key(conversationId), "1", "PX", deps.gapMs, "NX")) === "OK";
    },
    async notSent(conversationId) {
      if (deps.gapMs) await deps.redis.del(key(conversationId));
    },
  };
}
