/**
 * The "farewells" queue: how a process without channel senders (the command line) has the running
 * bot send the last message after a staff erasure, through the outbox's unstored send as the
 * console does. One job per chat, named by a random id, holding only the chat's address and the
 * rendered text (never stored in Postgres: the erasure has committed) until the bot's farewell
 * worker (farewell-worker.ts) takes it; removed once taken. The one who adds them waits for the
 * bot to take them, at most FAREWELL_WAIT_MS, then withdraws the rest; a job found after its
 * `sendBy` (the command stopped while waiting) is dropped by the worker unsent.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ConversationAddress, OutboundMessage } from "../../channels/types.ts";
import type { OutboundSenders } from "../../outbox/outbound-senders.ts";

export const FAREWELL_QUEUE = "farewells";
/** How long the command line waits for a running bot to take the last messages (ms). */
export const FAREWELL_WAIT_MS = 15_000;

/** One chat's last message: where, what, and the moment after which it is not sent any more. */
export interface FarewellJobData {
  conversationId: string;
  address: ConversationAddress;
  message: OutboundMessage;
  /** Epoch ms: the adder's deadline; the worker drops a job it finds after it. */
  sendBy: number;
}

/** The farewells queue on `connection` under `prefix` (QUEUE_PREFIX, the bot's). */
export function createFarewellQueue(connection: Redis, prefix: string): Queue<FarewellJobData> {
  return new Queue<FarewellJobData>(FAREWELL_QUEUE, {
    connection,
    prefix,
    // Sent once or not at all; nothing of the job stays in Redis after.
    defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: true },
  });
}

/** What the adder learns once the bot had its chance: chats taken by it, and chats withdrawn unsent. */
export interface FarewellsSettled {
  taken: number;
  withdrawn: number;
}

/** A farewell that hands each chat's last message to the running bot; `settled` waits for it to take them. */
export interface FarewellsThroughBot extends Pick<OutboundSenders, "sendUnstored"> {
  settled(): Promise<FarewellsSettled>;
}

/** Farewells through `queue`, taken by the bot within `waitMs` from the first one or withdrawn. */
export function farewellsThroughBot(
  queue: Queue<FarewellJobData>,
  waitMs = FAREWELL_WAIT_MS,
): FarewellsThroughBot {
  const added: string[] = [];
  let sendBy = 0;
  return {
    async sendUnstored(conversationId, address, message) {
      sendBy ||= Date.now() + waitMs;
      const job = await queue.add(
        "farewell",
        { conversationId, address, message, sendBy },
        { jobId: randomUUID() },
      );
      if (job.id) added.push(job.id);
    },
    async settled() {
      let left = added;
      while (left.length && Date.now() < sendBy) {
        await sleep(100);
        left = (await Promise.all(left.map(async (id) => ((await queue.getJob(id)) ? id : "")))).filter(
          Boolean,
        );
      }
      // Still there at the deadline: withdrawn, unless a worker holds it (remove answers 0: being sent).
      let withdrawn = 0;
      for (const id of left) if ((await queue.getJob(id)) && (await queue.remove(id)) === 1) withdrawn++;
      return { taken: added.length - withdrawn, withdrawn };
    },
  };
}
