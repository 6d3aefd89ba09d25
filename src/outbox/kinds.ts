/**
 * What an outbound message is for decides its priority and what becomes of it when its sender
 * stopped during the platform call (`uncertain`): docs/scheduling-and-outbox.md ("What uncertain means").
 */
import type { MessageKind } from "../generated/prisma/client.ts";

export type { MessageKind };

/**
 * priority: lower goes first. resendUncertain: sent once more after an uncertain send (a second
 * copy is harmless, a missed one is not). answer: sent also after /stop (the person asked for it).
 */
type KindRule = { priority: number; resendUncertain: boolean; answer?: boolean };

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
