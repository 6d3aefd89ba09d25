/**
 * Broadcasts as a signed-in staff member may reach them (console and API): counsellors and
 * coordinators compose and follow their organisation's broadcasts; a steward may not (a segment
 * counts clients a steward does not see). Another organisation's broadcast is NotFound, the same
 * answer as an id that does not exist.
 */
import type { Db } from "../../store/prisma.ts";
import { NotFoundError } from "../errors.ts";
import { requireRole, type StaffIdentity } from "../staff/staff-identity.ts";

/** What the domain's broadcast functions need to know of who sends: slugs and e-mail, not ids. */
export interface BroadcastSender {
  organisationSlug: string;
  counsellorEmail: string;
}

/** Throws ForbiddenError unless the staff member may work with broadcasts. */
export function requireBroadcaster(staff: StaffIdentity): void {
  requireRole(staff, "counsellor", "coordinator");
}

/** The staff member as the sender of a broadcast (ForbiddenError for a steward). */
export async function broadcastSender(db: Db, staff: StaffIdentity): Promise<BroadcastSender> {
  requireBroadcaster(staff);
  const counsellor = await db.counsellor.findUniqueOrThrow({
    where: { id: staff.staffId },
    select: { email: true, organisation: { select: { slug: true } } },
  });
  return { organisationSlug: counsellor.organisation.slug, counsellorEmail: counsellor.email };
}

/** The sender, after checking that broadcast `broadcastId` is of their organisation (else NotFound). */
export async function broadcastInScope(
  db: Db,
  staff: StaffIdentity,
  broadcastId: string,
): Promise<BroadcastSender> {
  requireBroadcaster(staff);
  const found =
    broadcastId.length <= 100
      ? await db.broadcast.findFirst({
          where: { id: broadcastId, organisationId: staff.organisationId },
          select: { id: true },
        })
      : null;
  if (!found) throw new NotFoundError("No such broadcast.");
  return broadcastSender(db, staff);
}
