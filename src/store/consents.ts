/**
 * The rule every consent check follows: only the latest decision counts (a withdrawal after an
 * acceptance, an acceptance after a decline). One query and one nested `select` for it.
 */
import type { Consent } from "../generated/prisma/client.ts";
import type { DbClient } from "./prisma.ts";

/** In a nested select (`client: { select: { consents: latestConsentSelect } }`): the latest decision. */
export const latestConsentSelect = {
  orderBy: { decidedAt: "desc" },
  take: 1,
  select: { decision: true },
} as const;

/** The latest consent decision recorded in a conversation, or null when none was. */
export function latestConsent(db: DbClient, conversationId: string): Promise<Consent | null> {
  return db.consent.findFirst({ where: { conversationId }, orderBy: { decidedAt: "desc" } });
}
