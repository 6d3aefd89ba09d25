/**
 * Sending a page of a broadcast's messages (one job on the channel's bulk queue, outbox.ts): what
 * the message worker does for one message, done for a run of them at a time, so that a broadcast
 * costs one queue job per page instead of one per message.
 *
 * Run by run (RUN_MS worth of the channel's rate, e.g. 20 messages at 1,000/s):
 * 1. one Redis call takes each chat's gap and reserves consecutive send slots for the chats taken
 *    (send-pacer.ts `reserveRun`);
 * 2. one SQL statement claims those messages (send-claim.ts: still queued, conversation active,
 *    nothing earlier of the chat waiting; queued → sending);
 * 3. each claimed message is sent at its own slot and recorded as sent (batched);
 * 4. the page waits for the run's last slot before it reserves the next, so it never holds more
 *    than one run of the line: a reminder waits behind at most one run per page in progress.
 * A message whose slot has passed when its turn comes (a busy process) goes if it is only a
 * little late, or if the line's late sends leave room for it (send-pacer.ts `sendLate`: sends
 * late together would crowd a second beyond the rate); otherwise it takes a new slot.
 *
 * Whatever a page cannot send at once goes to single send jobs (`outbox.handOff`), where the
 * message worker's general path deals with it as with any message: a chat whose gap is taken, a
 * message already sent, cancelled or not the chat's next (claim refused), a 429 (the slot lines
 * are paused by `retry_after` first, for every process), a network error. A 403 or a bad request
 * settles the message here (send-failure.ts).
 *
 * Crash safety is the message worker's: a message is claimed before its platform call and
 * recorded after it. A page whose worker stopped is taken over by another (BullMQ's stalled-job
 * check) and runs again; its messages already sent are refused by the claim, and one caught
 * between claim and record (`sending`) goes to a single job, which marks it failed as uncertain:
 * never sent twice.
 *
 * A worker that is closing stops between runs and gives the rest of the page back as a new page.
 */
import type { Job } from "bullmq";
import type { ChannelName, ChannelSender } from "../channels/types.ts";
import type { Logger } from "../logger.ts";
import type { Db } from "../store/prisma.ts";
import type { ChatPace } from "./chat-pace.ts";
import type { BulkPageData, Outbox } from "./outbox.ts";
import { type ClaimedMessage, type Claimer, type SentRecorder, toAddress, toOutbound } from "./send-claim.ts";
import { afterSendError } from "./send-failure.ts";
import type { SendPacer, SlotRun } from "./send-pacer.ts";

/** A run is this many milliseconds of the channel's rate. */
export const RUN_MS = 20;
/** Run size without a rate (web chat). */
const UNPACED_RUN = 50;

export interface BulkSenderDeps {
  db: Db;
  logger: Logger;
  channel: ChannelName;
  sender: ChannelSender;
  pace: ChatPace;
  /** The channel's slot line; absent: no rate (web chat). */
  pacer?: SendPacer;
  /** Messages per second on the line a broadcast uses (the paid rate when there is one). */
  perSecond?: number;
  /** Send with the platform's paid broadcast flag. */
  paid: boolean;
  claimer: Claimer;
  recorder: SentRecorder;
  outbox: Pick<Outbox, "handOff" | "dispatchNew">;
  /** True once the worker is closing: the page stops between runs. */
  closing(): boolean;
}

/** What a page did (the job's return value; for logs and tests). */
export interface PageOutcome {
  sent: number;
  failed: number;
  /** Given to single send jobs. */
  handedOff: number;
  /** Given back as a new page (the worker was closing). */
  givenBack: number;
}

/** Messages per run: RUN_MS of the rate, at least one. */
export function runSize(perSecond: number | undefined): number {
  if (!perSecond) return UNPACED_RUN;
  return Math.max(1, Math.round((perSecond * RUN_MS) / 1000));
}

const sleepUntil = (at: number) => {
  const ms = at - Date.now();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
};

export async function sendPage(deps: BulkSenderDeps, job: Job<BulkPageData>): Promise<PageOutcome> {
  const { messageIds, conversationIds } = job.data;
  const size = runSize(deps.perSecond);
  const outcome: PageOutcome = { sent: 0, failed: 0, handedOff: 0, givenBack: 0 };
  const handOff: bigint[] = [];
  const inFlight: Promise<void>[] = [];
  let stopped: { error: unknown } | undefined;
  try {
    for (let start = 0; start < messageIds.length; start += size) {
      if (start > 0 && deps.closing()) {
        const rest = messageIds.slice(start).map((id, k) => ({
          id: BigInt(id),
          conversationId: conversationIds[start + k] as string,
          channel: deps.channel,
        }));
        await deps.outbox.dispatchNew(rest);
        outcome.givenBack = rest.length;
        break;
      }
      const ids = messageIds.slice(start, start + size).map((id) => BigInt(id));
      const chats = conversationIds.slice(start, start + size);
      const run = await reserve(deps, chats);
      const taken = ids.flatMap((id, k) =>
        run.taken[k] ? [{ id, conversationId: chats[k] as string }] : [],
      );
      for (const [k, id] of ids.entries()) if (!run.taken[k]) handOff.push(id);
      // One statement for the run (the claimer batches the calls that arrive together).
      const claimed = await Promise.all(taken.map((m) => deps.claimer.claim(m.id)));
      const notClaimed: string[] = [];
      for (const [k, message] of taken.entries()) {
        const claim = claimed[k];
        if (!claim) {
          handOff.push(message.id);
          notClaimed.push(message.conversationId);
          continue;
        }
        const at = run.startsAt + k * run.intervalMs;
        inFlight.push(deliverAt(deps, claim, at, outcome, handOff));
      }
      // Their gaps were taken for nothing: a single job may send to those chats at once.
      await Promise.all(notClaimed.map((chat) => deps.pace.notSent(chat)));
      // One run ahead per page: the next is reserved once this one's last slot has come.
      if (taken.length) await sleepUntil(run.startsAt + (taken.length - 1) * run.intervalMs);
    }
  } catch (error) {
    stopped = { error };
  }
  // Sends in flight finish (and are recorded) before the page ends, even when it failed.
  const settled = await Promise.allSettled(inFlight);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  // The page runs again: its unsent messages are claimed again, nothing is sent twice.
  if (stopped) throw stopped.error;
  if (failure) throw failure.reason;
  if (handOff.length) await deps.outbox.handOff(handOff, job.id as string);
  outcome.handedOff = handOff.length;
  return outcome;
}

/** reserveRun on the slot line, or just the chats' gaps when the channel has no rate. */
async function reserve(deps: BulkSenderDeps, chats: readonly string[]): Promise<SlotRun> {
  if (deps.pacer) return deps.pacer.reserveRun(chats.map(deps.pace.gapKey), deps.pace.gapMs);
  const taken = await Promise.all(chats.map((chat) => deps.pace.takeGap(chat)));
  return { taken, startsAt: Date.now(), intervalMs: 0 };
}

/** Sends one claimed message at its slot and records what happened. */
async function deliverAt(
  deps: BulkSenderDeps,
  message: ClaimedMessage,
  at: number,
  outcome: PageOutcome,
  handOff: bigint[],
): Promise<void> {
  await sleepUntil(at);
  for (let slot = at; deps.pacer; ) {
    const late = Date.now() - slot;
    if (late <= deps.pacer.onTimeMs || (await deps.pacer.sendLate(late))) break;
    slot = await deps.pacer.reserve(true);
    await sleepUntil(slot);
  }
  let externalMessageId: string;
  try {
    ({ externalMessageId } = await deps.sender.send(toAddress(message), toOutbound(message), {
      paidBroadcast: deps.paid,
    }));
  } catch (error) {
    // Never the last attempt here: a message to retry gets a single job with attempts of its own.
    const failure = await afterSendError(deps, message, error, false);
    if (failure.outcome === "failed") {
      outcome.failed++;
      return;
    }
    handOff.push(message.id);
    return;
  }
  await deps.recorder.record(message.id, externalMessageId);
  outcome.sent++;
}
