/**
 * What an outbound message is for decides two things: its priority among the queued messages of
 * a channel, and what becomes of it when a sender stopped during its platform call (`uncertain`:
 * the platform may have delivered it, or not). docs/scheduling-and-outbox.md ("What uncertain means") has the table and the reasons.
 */
import type { MessageKind } from "../generated/prisma/client.ts";

export type { MessageKind };

interface KindRule {
  /** Lower goes first. */
  priority: number;
  /** After an uncertain send: sent once more (a second copy is harmless, a missed one is not). */
  resendUncertain: boolean;
  /** An answer to the person, sent also after /stop (which stops only what they did not ask for). */
  answer?: boolean;
}

export const KINDS: Record<MessageKind, KindRule> = {
  reply: { priority: 0, resendUncertain: false, answer: true },
  counsellor: { priority: 0, resendUncertain: false, answer: true },
  reminder: { priority: 1, resendUncertain: true },
  notice: { priority: 1, resendUncertain: false },
  checkin: { priority: 1, resendUncertain: false },
  nudge: { priority: 2, resendUncertain: false },
  job_alert: { priority: 3, resendUncertain: false },
  broadcast: { priority: 5, resendUncertain: false },
};

/** The reason on a message whose sender stopped during the platform call: delivery unknown. */
export const UNCERTAIN = "uncertain: a sender stopped during the platform call";
