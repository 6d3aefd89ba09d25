/**
 * Whether the bot can write to a case's client, by the same rule the domain writes notices,
 * reminders and check-ins with (conversationForCase): an active conversation of a linked client.
 * The scheduling commands show it, so a counsellor knows when the client was not told.
 */
import { conversationForCase } from "../conversation/proactive.ts";
import type { Db } from "../store/prisma.ts";

/** Reachable, or why not ("no client linked", "conversation opted_out", …). */
export type ClientReach = { reachable: true } | { reachable: false; reason: string };

export async function clientReach(db: Db, caseId: string): Promise<ClientReach> {
  const found = await conversationForCase(db, caseId);
  return "notSent" in found ? { reachable: false, reason: found.notSent } : { reachable: true };
}
