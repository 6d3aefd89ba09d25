/**
 * This process's senders: per channel, `concurrency` loops that take the next queued message and
 * deliver it; `sendNow` for a turn's replies, at once and in order under the conversation's lock,
 * through the same pacer. Loop 0 polls and sweeps; `wake` rouses the idle loops after a write.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter, once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import type pg from "pg";
import type { ChannelName, ChannelSender, ConversationAddress, OutboundMessage } from "../channels/types.ts";
import { type Logger, loggableError } from "../logger.ts";
import type { Db } from "../store/prisma.ts";
import type { Chat, SendContext, Target } from "./deliver.ts";
import { deliver, deliverAt, SENDING_LEASE_S, waitForMoment } from "./deliver.ts";
import { earlierQueued, pickNext, release, sweepUncertain } from "./message-store.ts";
import { createPacer } from "./pacer.ts";

/** A picked message's lease (s): a sender that dies leaves it to the others this long after. */
export const LEASE_S = 5;
/** A turn holds its replies 10 s (it sends them itself) and leaves one to the loops after 2.5 s. */
const [TURN_LEASE_S, TURN_WAIT_MS] = [10, 2500];
const LEFT = { afterMs: 0, queuedOnly: true }; // what the turn leaves to the loops: not one that may have left
const SWEEP_MS = 5000;
const errOf = loggableError;

export interface OutboundSendersOptions {
  db: Db;
  /** The same database through node-postgres (message-store.ts); Redis keeps the pacers' moments. */
  sql: pg.Pool;
  redis: Redis;
  /** QUEUE_PREFIX: the pacers' keys, and the queue of messages these senders send. */
  prefix: string;
  senders: ReadonlyMap<ChannelName, ChannelSender>;
  logger: Logger;
  /** Defaults: 8 loops a channel, 6 attempts, backoff from 1 s, poll 250 ms, 60 s sending lease, rest 1 s. */
  concurrency?: number;
  attempts?: number;
  backoffMs?: number;
  pollMs?: number;
  restMs?: number; // a loop's rest after an error of its own (Postgres or Redis lost)
  sendingLeaseSeconds?: number;
}

export interface OutboundSenders {
  /** A lease for a turn's reply rows (written with them), so the loops leave them to the turn. */
  hold(): { queue: string; leaseToken: string; leaseUntil: Date };
  /** Sends a turn's stored replies (after `earlier`, else what is waiting), now and in order; the rest to the loops. */
  sendNow(ids: readonly bigint[], leaseToken: string, chat: Chat, earlier?: readonly bigint[]): Promise<void>;
  /** Sends a message that must not be stored (the goodbye after erasure), paced like the rest. */
  sendUnstored(conversationId: string, address: ConversationAddress, message: OutboundMessage): Promise<void>;
  /** Tells this process's idle loops that a message was written. */
  wake(): void;
  /** Starts the loops (a process that only writes never calls it). */
  start(): void;
  /** Stops the loops after their current message. */
  close(): Promise<void>;
}

export function createOutboundSenders(options: OutboundSendersOptions): OutboundSenders {
  // Built on first use: the app fills `senders` as it adds its channels.
  const contexts = new Map<ChannelName, SendContext>();
  const contextFor = (channel: ChannelName): SendContext | undefined => {
    const sender = options.senders.get(channel);
    if (!sender || contexts.has(channel)) return contexts.get(channel); // undefined without a sender
    const ctx = {
      sql: options.sql,
      db: options.db,
      logger: options.logger.child({ component: "outbox", channel }),
      sender,
      pacer: createPacer(options.redis, options.prefix, channel, sender.limits),
      attempts: options.attempts ?? 6,
      backoffMs: options.backoffMs ?? 1000,
      maxWaitMs: (LEASE_S * 1000) / 2,
      sendingLeaseSeconds: options.sendingLeaseSeconds ?? SENDING_LEASE_S,
    };
    contexts.set(channel, ctx);
    return ctx;
  };
  let closed = false;
  const running: Promise<void>[] = [];
  // Idle loops rest until woken (a message was written or found) or `ms` passed.
  const bell = new EventEmitter().setMaxListeners(0);
  const wake = () => bell.emit("wake");
  const rest = (ms: number) => once(bell, "wake", { signal: AbortSignal.timeout(ms) }).catch(() => undefined);

  const loop = async (channel: ChannelName, ctx: SendContext, first: boolean) => {
    const { pollMs = 250, restMs = 1000 } = options;
    let lastSweep = 0;
    while (!closed) {
      try {
        if (first && Date.now() - lastSweep > SWEEP_MS) {
          lastSweep = Date.now();
          const swept = await sweepUncertain(ctx.sql, options.prefix);
          if (swept) ctx.logger.warn({ swept }, "messages left sending by a stopped sender");
        }
        const token = randomUUID();
        const message = await pickNext(ctx.sql, channel, options.prefix, token, LEASE_S);
        if (message) wake();
        // Nothing to send, or the line is full for a while (released for later): look again later.
        if (!message || (await deliver(ctx, message, token)) === "later")
          await rest(first ? pollMs : pollMs * 20);
      } catch (error) {
        ctx.logger.warn({ err: errOf(error) }, "outbox sender waits after an error");
        await rest(restMs);
      }
    }
  };

  /** One message of the turn's chat; false when it (and so the rest, behind it) is left to the loops. */
  const sendReply = async (to: Target, token: string) => {
    const ctx = contextFor(to.address.channel);
    try {
      if (!ctx) throw new Error(`no sender for ${to.address.channel}`);
      for (const deadline = Date.now() + TURN_WAIT_MS; ; await sleep(100)) {
        const sent = await deliverAt({ ...ctx, maxWaitMs: TURN_WAIT_MS }, to, token);
        // "wait": behind an earlier message of the chat (a reminder, a counsellor's answer); "lost": settled.
        if (sent !== "wait") return sent !== "later";
        if (Date.now() > deadline) return false;
      }
    } catch (error) {
      options.logger.warn({ messageId: `${to.id}`, err: errOf(error) }, "reply left to the outbox senders");
      return false;
    }
  };

  return {
    hold: () => ({
      queue: options.prefix,
      leaseToken: randomUUID(),
      leaseUntil: new Date(Date.now() + TURN_LEASE_S * 1000),
    }),
    async sendNow(messageIds, leaseToken, chat, known) {
      const first = messageIds[0];
      if (first === undefined) return;
      // What the chat has waiting from before (a notice, a counsellor's answer) goes first, in order.
      const earlier = known ?? (await earlierQueued(options.sql, first, options.prefix).catch(() => []));
      const ids = [...earlier, ...messageIds];
      for (const [index, id] of ids.entries()) {
        if (await sendReply({ id, ...chat }, leaseToken)) continue;
        // Left to the loops, in order; one whose request may have left stays `sending` (the sweep's).
        for (const left of ids.slice(index))
          await release(options.sql, left, leaseToken, LEFT).catch(() => {});
        wake();
        return;
      }
    },
    async sendUnstored(conversationId, address, message) {
      const ctx = contextFor(address.channel);
      if (!ctx) return;
      const tenant = ctx.sender.tenantOf?.(address);
      try {
        const moment = await waitForMoment({ ...ctx, maxWaitMs: TURN_WAIT_MS }, conversationId, tenant, true);
        if (typeof moment === "number") return;
        await ctx.sender.send(address, message);
      } catch (error) {
        ctx.logger.warn({ conversationId, err: errOf(error) }, "unstored message not sent");
      }
    },
    wake,
    start() {
      for (const channel of options.senders.keys()) {
        const ctx = contextFor(channel) as SendContext;
        for (let k = 0; k < (options.concurrency ?? 8); k++) running.push(loop(channel, ctx, k === 0));
      }
    },
    async close() {
      closed = true;
      wake();
      await Promise.all(running);
    },
  };
}
