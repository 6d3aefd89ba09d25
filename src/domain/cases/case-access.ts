/**
 * One case as a signed-in staff member may see it: found only inside their scope (another
 * organisation's id, or a client a steward did not bring in, is NotFound — the same answer as an
 * id that does not exist). Stewards see no assessment (outreach, not advice).
 */

import type { DbClient } from "../../store/prisma.ts";
import { type CaseOverview, caseOverview } from "../assessment/case-overview.ts";
import { NotFoundError } from "../errors.ts";
import { caseScope, type StaffIdentity } from "../staff/staff-identity.ts";

/** Throws NotFoundError unless the case is in the staff member's scope. */
export async function requireCaseInScope(db: DbClient, staff: StaffIdentity, caseId: string): Promise<void> {
  const found =
    caseId.length <= 100
      ? await db.case.findFirst({ where: { AND: [{ id: caseId }, caseScope(staff)] }, select: { id: true } })
      : null;
  if (!found) throw new NotFoundError("No such case.");
}

/** The case, its client's language and (not for stewards) its latest assessment. */
export async function caseForStaff(
  db: DbClient,
  staff: StaffIdentity,
  caseId: string,
): Promise<CaseOverview> {
  await requireCaseInScope(db, staff, caseId);
  const overview = await caseOverview(db, { caseId });
  const hidden = staff.role === "steward";
  return {
    ...overview,
    assessment: hidden ? null : overview.assessment,
    assessmentWithheld: hidden ? false : overview.assessmentWithheld,
    counsellorLocale: staff.locale,
  };
}
