/**
 * The worker of the "farewells" queue (farewell-queue.ts), in every process that runs workers:
 * sends each job's last message through this process's outbox senders without storing it
 * (`sendUnstored`, paced like every message), as the console does after a staff erasure. A job
 * that is not ours, or found after its `sendBy`, is dropped unsent. Nothing is retried: a send
 * that fails is logged by the senders, and the job is gone either way.
 */
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { type Logger, loggableError } from "../../logger.ts";
import type { OutboundSenders } from "../../outbox/outbound-senders.ts";
import { FAREWELL_QUEUE, type FarewellJobData } from "./farewell-queue.ts";

/** A job as it comes back from Redis: parsed, never trusted (a job another version wrote). */
const farewellSchema = z.object({
  conversationId: z.string().min(1),
  address: z.object({
    channel: z.enum(["telegram", "webchat", "teams"]),
    externalConversationId: z.string(),
    externalUserId: z.string(),
    reference: z.unknown().optional(),
  }),
  message: z.object({ text: z.string(), locale: z.string(), direction: z.enum(["ltr", "rtl"]) }),
  sendBy: z.number(),
});

export interface FarewellWorkerOptions {
  connection: Redis;
  prefix: string;
  senders: Pick<OutboundSenders, "sendUnstored">;
  logger: Logger;
}

export function createFarewellWorker(options: FarewellWorkerOptions): Worker<FarewellJobData> {
  const log = options.logger.child({ component: "farewells" });
  const worker = new Worker<FarewellJobData>(
    FAREWELL_QUEUE,
    async (job) => {
      const parsed = farewellSchema.safeParse(job.data);
      if (!parsed.success) {
        log.warn({ jobId: job.id }, "farewell job not understood: dropped");
        return "dropped";
      }
      const { conversationId, address, message, sendBy } = parsed.data;
      if (Date.now() > sendBy) {
        log.info({ conversationId }, "farewell found after its deadline: dropped unsent");
        return "late";
      }
      await options.senders.sendUnstored(conversationId, address, message);
      log.info({ conversationId }, "farewell after a staff erasure handed to the senders");
      return "handed";
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 4 },
  );
  worker.on("error", (error) => log.warn({ err: loggableError(error) }, "farewell worker error"));
  return worker;
}
