/**
 * Firing nudges. When a timer goes off, the worker re-reads the Nudge row and checks, at that
 * moment, that the nudge is still wanted (still pending and due, the conversation active and not
 * opted out, consent given, the client not erased, and whatever its kind requires, e.g. the
 * appointment not cancelled). It then claims the row (pending → sent, once), renders the message
 * in the client's language and writes it to the outbox in the same transaction; the outbox sends it.
 * A timer that goes off well before its row's `dueAt` (the nudge was moved later without moving
 * its timer: idle nudges re-planned by each turn, idle-nudges.ts) is delayed again to `dueAt`.
 */
import { DelayedError, type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Output } from "../engine/types.ts";
import type { Nudge, NudgeKind } from "../generated/prisma/client.ts";
import { renderOutputs } from "../i18n/render.ts";
import type { Translator } from "../i18n/translator.ts";
import { type Logger, loggableError } from "../logger.ts";
import type { OutboxPort } from "../outbox/outbox.ts";
import { latestConsent } from "../store/consents.ts";
import type { Db, DbClient } from "../store/prisma.ts";
import { nudgeConversation } from "./nudge-conversation.ts";
import { NUDGE_QUEUE, type NudgeJobData } from "./nudge-queue.ts";

/**
 * What a kind of nudge says, decided when it fires, in the conversation it is written to; with
 * `alsoTo`, what it says in other conversations of the same client (each in its own language); or
 * why it should not be sent any more.
 */
export type NudgeDecision = { outputs: Output[]; alsoTo?: NudgeElsewhere[] } | { skip: string };

/** A nudge's words for another conversation of its client (an active one: the handler checked). */
export interface NudgeElsewhere {
  conversationId: string;
  locale: string | null;
  outputs: Output[];
}

/** One kind of nudge (appointment reminder, check-in, idle flow). `conversationId`: where its messages go. */
export interface NudgeHandler {
  decide(tx: DbClient, nudge: Nudge, now: Date, conversationId: string): Promise<NudgeDecision>;
}

/** What each nudge's messages are for the outbox (their priority, what `uncertain` means). */
const NUDGE_MESSAGE_KIND = {
  appointment_reminder: "reminder",
  checkin: "checkin",
  idle_flow: "nudge",
  handover_unanswered: "notice",
  handover_quiet: "notice",
} as const satisfies Record<NudgeKind, string>;

export interface NudgeWorkerDeps {
  db: Db;
  connection: Redis;
  prefix: string;
  translator: Translator;
  outbox: OutboxPort;
  handlers: Partial<Record<NudgeKind, NudgeHandler>>;
  logger: Logger;
  now?: () => Date;
}

/** A nudge whose row says it is due later than this was moved: its timer goes off again at `dueAt`. */
const EARLY_TOLERANCE_MS = 60_000;

/** What firing a nudge did (for logs and tests); `moved`: not yet, it is due at `dueAt`. */
export type FireResult = "sent" | "not pending" | `skipped: ${string}` | { moved: Date };

/** Fires one nudge. Returns what happened. */
export async function fireNudge(deps: NudgeWorkerDeps, jobId: string): Promise<FireResult> {
  const now = deps.now?.() ?? new Date();
  const nudge = await deps.db.nudge.findUnique({ where: { jobId } });
  if (nudge?.status !== "pending") return "not pending";
  if (nudge.dueAt.getTime() > now.getTime() + EARLY_TOLERANCE_MS) return { moved: nudge.dueAt };
  const handler = deps.handlers[nudge.kind];

  const outcome = await deps.db.$transaction(async (tx) => {
    const claimed = await tx.nudge.updateMany({
      where: { id: nudge.id, status: "pending" },
      data: { status: "sent", firedAt: now },
    });
    if (!claimed.count) return { result: "not pending" as const, ids: [] as bigint[] };
    const skip = async (reason: string) => {
      await tx.nudge.update({ where: { id: nudge.id }, data: { status: "skipped", reason } });
      return { result: `skipped: ${reason}` as const, ids: [] as bigint[] };
    };
    const conversation = await nudgeConversation(tx, nudge);
    if ("notSent" in conversation) return skip(conversation.notSent);
    const consent = await latestConsent(tx, conversation.id);
    if (consent?.decision !== "accepted") return skip("no consent");
    if (!handler) return skip(`no handler for ${nudge.kind}`);
    const decision = await handler.decide(tx, nudge, now, conversation.id);
    if ("skip" in decision) return skip(decision.skip);
    const ids = await writeDecision(tx, deps, nudge, [
      { conversationId: conversation.id, locale: conversation.locale, outputs: decision.outputs },
      ...(decision.alsoTo ?? []),
    ]);
    return { result: "sent" as const, ids };
  });
  if (outcome.ids.length) await deps.outbox.dispatch(outcome.ids);
  deps.logger.info({ jobId, kind: nudge.kind, result: outcome.result }, "nudge fired");
  return outcome.result;
}

/**
 * Writes a fired nudge's messages to the outbox, once per key: `nudge:<jobId>:<n>` in the
 * conversation it was written to (the first), `nudge:<jobId>:<conversationId>:<n>` in the others.
 */
async function writeDecision(
  tx: DbClient,
  deps: NudgeWorkerDeps,
  nudge: Nudge,
  messages: readonly NudgeElsewhere[],
): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const [which, { conversationId, locale, outputs }] of messages.entries()) {
    const keyOf = (index: number) =>
      which === 0 ? `nudge:${nudge.jobId}:${index}` : `nudge:${nudge.jobId}:${conversationId}:${index}`;
    for (const [index, rendered] of renderOutputs(outputs, locale ?? "en", deps.translator).entries())
      ids.push(
        await deps.outbox.write(tx, {
          conversationId,
          idempotencyKey: keyOf(index),
          messageKey: rendered.key,
          message: rendered.message,
          kind: NUDGE_MESSAGE_KIND[nudge.kind],
        }),
      );
  }
  return ids;
}

/** The worker on the nudges queue. Close it with `close()`. */
export function createNudgeWorker(deps: NudgeWorkerDeps): Worker<NudgeJobData> {
  const worker = new Worker<NudgeJobData>(
    NUDGE_QUEUE,
    async (job: Job<NudgeJobData>, token?: string) => {
      const result = await fireNudge(deps, job.data.jobId);
      if (typeof result === "string") return result;
      // The same job, later: no attempt counted (BullMQ's DelayedError), nothing fired.
      await job.moveToDelayed(result.moved.getTime(), token);
      throw new DelayedError();
    },
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 5,
    },
  );
  worker.on("failed", (job, error) =>
    deps.logger.warn({ jobId: job?.id, err: loggableError(error) }, "nudge failed"),
  );
  worker.on("error", (error) => deps.logger.warn({ err: loggableError(error) }, "nudge worker error"));
  return worker;
}
