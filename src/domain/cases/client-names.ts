/**
 * When a client's name may be shown to a counsellor: only while the client's latest consent
 * decision is "accepted". Clients exist only after consent, so this is a second lock on the door
 * (a withdrawal that has not been erased yet must not show a name either).
 */

import type { ConsentDecision } from "../../generated/prisma/client.ts";
import { latestConsentSelect } from "../../store/consents.ts";
import type { DbClient } from "../../store/prisma.ts";

/** The Prisma `select` that loads what visibleClientName needs. */
export const clientNameSelect = {
  displayName: true,
  locale: true,
  consents: latestConsentSelect,
} as const;

/** The name of a case's client, when it may be shown (a page's title); null for none or a case without a client. */
export async function caseClientName(db: DbClient, caseId: string): Promise<string | null> {
  const row = await db.case.findUnique({
    where: { id: caseId },
    select: { client: { select: clientNameSelect } },
  });
  return row?.client ? visibleClientName(row.client) : null;
}

/** The client's display name if their latest consent is "accepted", else null. */
export function visibleClientName(client: {
  displayName: string | null;
  consents: { decision: ConsentDecision }[];
}): string | null {
  return client.consents[0]?.decision === "accepted" ? client.displayName : null;
}
