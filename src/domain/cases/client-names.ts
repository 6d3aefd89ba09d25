/**
 * When a client's name may be shown to a counsellor: only while the client's latest consent
 * decision is "accepted". Clients exist only after consent, so this is a second lock on the door
 * (a withdrawal that has not been erased yet must not show a name either).
 */

import type { ConsentDecision } from "../../generated/prisma/client.ts";
import { latestConsentSelect } from "../../store/consents.ts";

/** The Prisma `select` that loads what visibleClientName needs. */
export const clientNameSelect = {
  displayName: true,
  locale: true,
  consents: latestConsentSelect,
} as const;

/** The client's display name if their latest consent is "accepted", else null. */
export function visibleClientName(client: {
  displayName: string | null;
  consents: { decision: ConsentDecision }[];
}): string | null {
  return client.consents[0]?.decision === "accepted" ? client.displayName : null;
}
