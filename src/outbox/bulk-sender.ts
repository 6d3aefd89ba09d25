/**
 * Sending a page of a broadcast's messages (one job on the channel's bulk queue, outbox.ts): what
 * the message worker does for one message, done for a run of them at a time, so that a broadcast
 * costs one queue job per page instead of one per message.
 *
 * Run by run (RUN_MS worth of the channel's rate, e.g. 20 messages at 1,000/s):
 * 1. one SQL statement claims the run's messages (send-claim.ts: still queued, conversation
 *    active, nothing earlier of the chat waiting; queued → sending), CLAIM_AHEAD_RUNS runs before
 *    the run is sent, and the claimed ones are marked held in Redis (held-claims.ts);
 * 2. when the run's turn comes, one Redis call takes each chat's gap, releases its message from
 *    the held set and reserves consecutive send slots for the chats taken (send-pacer.ts
 *    `reserveRun`);
 * 3. each message is sent at its own slot and recorded as sent (batched);
 * 4. the page waits for the run's last slot before it reserves the next, so it never holds more
 *    than one run of the line: a reminder waits behind at most one run per page in progress.
 * Claiming ahead keeps the database out of the way of the sends: a commit that stalls (a disk
 * flush; on the benchmark's machine, 150 ms to over a second now and then) used to leave every
 * page without claimed messages when its slots came, and the slots went unused. Claimed ahead,
 * the messages wait in the held set, which also keeps what a claim used to lose on a crash: a
 * claimed message that is still held was never handed to the platform, and is sent later instead
 * of being failed as uncertain.
 * A message whose slot has passed when its turn comes (a busy process) goes if it is only a
 * little late, or if the line's late sends leave room for it (send-pacer.ts `sendLate`: sends
 * late together would crowd a second beyond the rate); otherwise it takes a new slot.
 *
 * Whatever a page cannot send at once goes to single send jobs (`outbox.handOff`), where the
 * message worker's general path deals with it as with any message: a chat whose gap is taken (its
 * message still held: the single job takes it over), a message already sent, cancelled or not the
 * chat's next (claim refused), a 429 (the slot lines are paused by `retry_after` first, for every
 * process), a network error. A 403 or a bad request settles the message here (send-failure.ts).
 * A message that is no longer held when its turn comes was taken over by someone else: the page
 * leaves it alone.
 *
 * Crash safety is the message worker's: a message is claimed before its platform call and
 * recorded after it. A page whose worker stopped is taken over by another (BullMQ's stalled-job
 * check) and runs again; its messages already sent are refused by the claim, and the ones caught
 * `sending` go to single jobs: those still held are sent, the others (released for their slot,
 * perhaps delivered) are failed as uncertain: never sent twice.
 *
 * A worker that is closing stops between runs and gives the rest of the page back as a new page.
 */
import type { Job } from "bullmq";
import type { ChannelName, ChannelSender } from "../channels/types.ts";
import type { Logger } from "../logger.ts";
import type { Db } from "../store/prisma.ts";
import type { ChatPace } from "./chat-pace.ts";
import type { HeldClaims } from "./held-claims.ts";
import type { BulkPageData, Outbox } from "./outbox.ts";
import { type ClaimedMessage, type Claimer, type SentRecorder, toAddress, toOutbound } from "./send-claim.ts";
import { afterSendError } from "./send-failure.ts";
import type { SendPacer, SlotRun } from "./send-pacer.ts";

/** A run is this many milliseconds of the channel's rate. */
export const RUN_MS = 20;
/** Run size without a rate (web chat). */
const UNPACED_RUN = 50;
/**
 * Runs claimed before their turn. With four pages in progress at 1,000/s a page's runs are about
 * 80 ms apart, so eight runs ahead is about two thirds of a second of sending. Four (a third of a
 * second) left the commits that stalled for 300–400 ms on the benchmark's machine to stall the
 * sends too.
 */
export const CLAIM_AHEAD_RUNS = 8;

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
  /** Where claimed messages wait for their slot. */
  held: HeldClaims;
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

/** A run's messages once claimed: the claim of each (null: refused). */
interface ClaimedRun {
  ids: bigint[];
  claimed: (ClaimedMessage | null)[];
  /** The held set's epoch when they were held (held-claims.ts). */
  epoch: string;
}

export async function sendPage(deps: BulkSenderDeps, job: Job<BulkPageData>): Promise<PageOutcome> {
  const { messageIds, conversationIds } = job.data;
  const size = runSize(deps.perSecond);
  const runs = Math.ceil(messageIds.length / size);
  const outcome: PageOutcome = { sent: 0, failed: 0, handedOff: 0, givenBack: 0 };
  const handOff: bigint[] = [];
  const inFlight: Promise<void>[] = [];
  // The claims of the runs from the current one on, CLAIM_AHEAD_RUNS ahead (one statement each:
  // the claimer batches the calls that arrive together).
  const claims: Promise<ClaimedRun>[] = [];
  const claimRun = async (r: number): Promise<ClaimedRun> => {
    const ids = messageIds.slice(r * size, (r + 1) * size).map((id) => BigInt(id));
    const claimed = await Promise.all(ids.map((id) => deps.claimer.claim(id)));
    const epoch = await deps.held.hold(claimed.flatMap((c) => (c ? [c.id] : [])));
    return { ids, claimed, epoch };
  };
  /**
   * Claimed messages of runs from `from` on that are still held go back to the queue. Only runs
   * never released: with the held set lost, `take` gives the page back all it held in that epoch.
   */
  const unhold = async (from: number) => {
    for (const claim of await Promise.allSettled(claims.slice(from))) {
      if (claim.status === "rejected") continue;
      const ids = claim.value.claimed.flatMap((m) => (m ? [m.id] : []));
      await deps.claimer.unclaim(await deps.held.take(ids, claim.value.epoch));
    }
  };
  let stopped: { error: unknown } | undefined;
  /** The last run whose release was asked for: from it back, messages may have left. */
  let released = -1;
  try {
    for (let r = 0; r < runs; r++) {
      if (r > 0 && deps.closing()) {
        // What was claimed ahead is queued again first: the new page claims it as any other.
        await unhold(r);
        const rest = messageIds.slice(r * size).map((id, k) => ({
          id: BigInt(id),
          conversationId: conversationIds[r * size + k] as string,
          channel: deps.channel,
        }));
        await deps.outbox.dispatchNew(rest);
        outcome.givenBack = rest.length;
        break;
      }
      while (claims.length < Math.min(runs, r + 1 + CLAIM_AHEAD_RUNS)) {
        const claim = claimRun(claims.length);
        claim.catch(() => undefined); // awaited in its turn, or settled at the end
        claims.push(claim);
      }
      const { ids, claimed, epoch } = await (claims[r] as Promise<ClaimedRun>);
      // A message the claim refused goes to a single job, which finds out why.
      const mine: ClaimedMessage[] = [];
      for (const [k, claim] of claimed.entries()) {
        if (claim) mine.push(claim);
        else handOff.push(ids[k] as bigint);
      }
      released = r;
      const run = await reserve(
        deps,
        mine.map((m) => m.conversationId),
        mine.map((m) => m.id),
        epoch,
      );
      let slot = 0;
      const busy: bigint[] = [];
      for (const [k, message] of mine.entries()) {
        if (run.taken[k])
          inFlight.push(deliverAt(deps, message, run.startsAt + slot++ * run.intervalMs, outcome, handOff));
        // Its chat's gap is taken: its single job waits for the gap.
        else if (!run.gone[k]) busy.push(message.id);
        // Gone: no longer held, someone else took it over.
      }
      // Still held, the single job takes it over; with the held set lost, it is queued again here.
      if (run.heldLost) await deps.claimer.unclaim(busy);
      handOff.push(...busy);
      // One run ahead per page: the next is reserved once this one's last slot has come.
      if (slot) await sleepUntil(run.startsAt + (slot - 1) * run.intervalMs);
    }
  } catch (error) {
    stopped = { error };
  }
  // Claims made ahead finish (their messages held) before the page ends, even when it failed: a
  // message claimed and not held would look as if it might have been sent. After a failure, what
  // is still held is queued again for the page's next attempt; should that fail too, the single
  // jobs that the page or the reconciler adds take it over.
  await Promise.allSettled(claims);
  if (stopped) await unhold(released + 1).catch(() => undefined);
  // Sends in flight finish (and are recorded) before the page ends, even when it failed.
  const settled = await Promise.allSettled(inFlight);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  // The page runs again: its unsent messages are claimed again or, held, taken over by single
  // jobs; nothing is sent twice.
  if (stopped) throw stopped.error;
  if (failure) throw failure.reason;
  if (handOff.length) await deps.outbox.handOff(handOff, job.id as string);
  outcome.handedOff = handOff.length;
  return outcome;
}

/**
 * reserveRun on the slot line, releasing each message from the held set; or, when the channel
 * has no rate, each chat's gap and then its message's release.
 */
async function reserve(
  deps: BulkSenderDeps,
  chats: readonly string[],
  ids: readonly bigint[],
  epoch: string,
): Promise<SlotRun> {
  const { held } = deps;
  const release = { key: held.key, epochKey: held.epochKey, epoch, ids: ids.map(String) };
  if (deps.pacer) return deps.pacer.reserveRun(chats.map(deps.pace.gapKey), deps.pace.gapMs, release);
  const heldLost = await held.lost(epoch);
  const flags = await Promise.all(
    chats.map(async (chat, k) => {
      if (!(await deps.pace.takeGap(chat))) return { taken: false, gone: false };
      if ((await held.take([ids[k] as bigint], epoch)).length) return { taken: true, gone: false };
      await deps.pace.notSent(chat);
      return { taken: false, gone: true };
    }),
  );
  const taken = flags.map((f) => f.taken);
  const gone = flags.map((f) => f.gone);
  return { taken, gone, heldLost, startsAt: Date.now(), intervalMs: 0 };
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
