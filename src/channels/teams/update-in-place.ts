/**
 * Updating a card in place, Teams' way of Telegram's keyboard edit (edit-keyboard.ts): a tick in a
 * multi-choice question shows the same card again with the tick, and a tapped card's buttons are
 * taken away, both by the Bot Connector's UpdateActivity (PUT …/activities/{id}) on the activity
 * we sent. When the connector refuses the update (404: the activity is gone; 400: it cannot be
 * updated any more), the caller sends a new activity instead, or, for a card whose buttons were
 * only to be taken away, nothing.
 */
import type { Activity, TurnContext } from "botbuilder";
import type { TeamsOutboundActivity } from "./render.ts";

/** The statuses with which the connector says "this activity cannot be updated". */
const REFUSED = new Set([400, 404]);

/**
 * Updates activity `id` of the turn's conversation to `activity`; true when Teams took it, false
 * when it refused (send a new one instead). Throws the connector's error for everything else
 * (blocked, rate limited, network): the sender maps it as for any send.
 */
export async function updateInPlace(
  context: TurnContext,
  id: string,
  activity: TeamsOutboundActivity,
): Promise<boolean> {
  try {
    await context.updateActivity({ ...activity, id } as Partial<Activity>);
    return true;
  } catch (error) {
    if (REFUSED.has((error as { statusCode?: unknown }).statusCode as number)) return false;
    throw error;
  }
}
