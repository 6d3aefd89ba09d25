/**
 * An appointment or placement as a staff member may reach it: through its case's scope (another
 * organisation's id is NotFound, like one that does not exist). Returns the case it belongs to.
 */

import type { DbClient } from "../../store/prisma.ts";
import { NotFoundError } from "../errors.ts";
import { caseScope, type StaffIdentity } from "../staff/staff-identity.ts";

/** The case of appointment `id`, or NotFoundError outside the staff member's scope. */
export async function appointmentCaseInScope(
  db: DbClient,
  staff: StaffIdentity,
  id: string,
): Promise<string> {
  const found =
    id.length <= 100
      ? await db.appointment.findFirst({ where: { id, case: caseScope(staff) }, select: { caseId: true } })
      : null;
  if (!found) throw new NotFoundError("No such appointment.");
  return found.caseId;
}

/** The case of placement `id`, or NotFoundError outside the staff member's scope. */
export async function placementCaseInScope(db: DbClient, staff: StaffIdentity, id: string): Promise<string> {
  const found =
    id.length <= 100
      ? await db.placement.findFirst({ where: { id, case: caseScope(staff) }, select: { caseId: true } })
      : null;
  if (!found) throw new NotFoundError("No such placement.");
  return found.caseId;
}
