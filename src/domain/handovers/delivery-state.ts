/**
 * What staff read about a message's delivery: the stored status, with a failure told apart by its
 * recorded reason — `blocked` (the client blocked the bot), `uncertain` (the request left and no
 * answer came: maybe delivered, never sent again) — from any other failure.
 */
import type { MessageStatus } from "../../generated/prisma/client.ts";

export const DELIVERY_STATES = [
  "received",
  "queued",
  "sending",
  "sent",
  "failed",
  "uncertain",
  "blocked",
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export function deliveryState(status: MessageStatus, error: string | null): DeliveryState {
  if (status !== "failed") return status;
  if (error?.startsWith("blocked")) return "blocked";
  if (error?.startsWith("uncertain")) return "uncertain";
  return "failed";
}
