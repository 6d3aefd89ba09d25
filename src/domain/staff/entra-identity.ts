/**
 * A staff member's Microsoft Entra identity: the object id (`oid`) and tenant (`tid`) of the ID
 * token they last signed in to the console with (OIDC against Entra). Teams names the person in
 * every activity by the same object id (`from.aadObjectId`), so a Teams chat whose person is a
 * staff member is known for one before they link it with a code: the bot greets them as staff,
 * not as a client (teams-inbound.ts). It recognises them; it does not link their chat
 * (docs/decisions/0023-staff-known-by-entra-object-id.md says why).
 */
import type { CounsellorLocale } from "../../generated/prisma/client.ts";
import type { Logger } from "../../logger.ts";
import { loggableError } from "../../logger.ts";
import type { Db } from "../../store/prisma.ts";

/** An Entra user: object id and, when known, tenant id (both GUIDs, lower case). */
export interface EntraIdentity {
  objectId: string;
  tenantId?: string;
}

/**
 * Remembers `identity` as the staff member's, after a successful OIDC sign-in. An object id is one
 * person's: if another staff row held it (an account the same person used before), it moves here.
 * A failure is logged and the sign-in goes on: the staff member is then only not recognised in
 * Teams before they link it.
 */
export async function rememberEntraIdentity(
  db: Db,
  staffId: string,
  identity: EntraIdentity,
  logger?: Logger,
): Promise<void> {
  try {
    await db.$transaction([
      db.counsellor.updateMany({
        where: { entraObjectId: identity.objectId, id: { not: staffId } },
        data: { entraObjectId: null, entraTenantId: null },
      }),
      db.counsellor.update({
        where: { id: staffId },
        data: { entraObjectId: identity.objectId, entraTenantId: identity.tenantId ?? null },
      }),
    ]);
  } catch (error) {
    logger?.warn({ staffId, err: loggableError(error) }, "entra identity not remembered");
  }
}

/** A staff member recognised in a Teams chat. */
export interface RecognisedStaff {
  id: string;
  locale: CounsellorLocale;
}

/**
 * The active staff member whose Entra object id `objectId` is, when the tenants agree (either
 * unknown counts as agreeing: Entra object ids are unique GUIDs; the tenant is a second check).
 */
export async function staffOfEntraUser(
  db: Db,
  person: { objectId: string; tenantId?: string | undefined },
): Promise<RecognisedStaff | null> {
  const staff = await db.counsellor.findUnique({
    where: { entraObjectId: person.objectId },
    select: { id: true, locale: true, entraTenantId: true, deactivatedAt: true },
  });
  if (!staff || staff.deactivatedAt) return null;
  const tenant = person.tenantId?.toLowerCase();
  if (staff.entraTenantId && tenant && staff.entraTenantId !== tenant) return null;
  return { id: staff.id, locale: staff.locale };
}
