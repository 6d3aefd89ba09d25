/**
 * Who is asking: the staff member behind a console session or an API token, and what of the
 * organisation's data they may see. Every console page and API route receives a StaffIdentity
 * and scopes its queries with caseScope, so no query can forget the organisation.
 */
import type { CounsellorLocale, StaffRole } from "../../generated/prisma/client.ts";
import type { Prisma } from "../../store/prisma.ts";
import { ForbiddenError } from "../errors.ts";

export type { StaffRole } from "../../generated/prisma/client.ts";
export const STAFF_ROLES = ["counsellor", "steward", "coordinator"] as const satisfies readonly StaffRole[];

/** A signed-in staff member, as requireStaff puts it on the request. */
export interface StaffIdentity {
  staffId: string;
  organisationId: string;
  role: StaffRole;
  locale: CounsellorLocale;
}

/**
 * The cases a staff member may see: those of their organisation (its programmes, or owned by one
 * of its staff); a steward only the ones they brought in.
 */
export function caseScope(staff: StaffIdentity): Prisma.CaseWhereInput {
  const organisation: Prisma.CaseWhereInput = {
    OR: [
      { programme: { organisationId: staff.organisationId } },
      { counsellor: { organisationId: staff.organisationId } },
    ],
  };
  return staff.role === "steward" ? { AND: [organisation, { broughtInById: staff.staffId }] } : organisation;
}

/** Throws ForbiddenError unless the staff member's role is one of `roles`. */
export function requireRole(staff: StaffIdentity, ...roles: StaffRole[]): void {
  if (!roles.includes(staff.role))
    throw new ForbiddenError(`Your role (${staff.role}) may not do this.`, { code: "forbidden" });
}
