/**
 * Staff accounts from the coordinator's side: the organisation's staff, and deactivation, which
 * ends the person's sessions and API tokens in the same transaction (no later request gets in).
 */
import type { Db } from "../../store/prisma.ts";
import { DomainError, NotFoundError } from "../errors.ts";
import { requireRole, type StaffIdentity } from "./staff-identity.ts";

/** One row of the staff list. */
export interface StaffSummary {
  id: string;
  name: string;
  email: string;
  role: StaffIdentity["role"];
  locale: StaffIdentity["locale"];
  active: boolean;
  /** False while the invite link has not been used (and no OIDC sign-in happened). */
  signedUp: boolean;
}

/** The organisation's staff, by name. Coordinators only. */
export async function listStaff(db: Db, actor: StaffIdentity): Promise<StaffSummary[]> {
  requireRole(actor, "coordinator");
  const rows = await db.counsellor.findMany({
    where: { organisationId: actor.organisationId },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    locale: row.locale,
    active: row.deactivatedAt === null,
    signedUp: row.passwordHash !== null || row.inviteTokenHash === null,
  }));
}

/** Deactivates a staff member of the coordinator's organisation: sessions and tokens end at once. */
export async function deactivateStaff(db: Db, actor: StaffIdentity, staffId: string): Promise<void> {
  requireRole(actor, "coordinator");
  if (staffId === actor.staffId)
    throw new DomainError("You cannot deactivate yourself.", { code: "cannot_deactivate_self" });
  await db.$transaction(async (tx) => {
    const target = await tx.counsellor.findFirst({
      where: { id: staffId, organisationId: actor.organisationId },
    });
    if (!target) throw new NotFoundError("No such staff member.");
    await tx.counsellor.update({
      where: { id: staffId },
      data: { deactivatedAt: new Date(), inviteTokenHash: null, inviteExpiresAt: null },
    });
    await tx.staffSession.deleteMany({ where: { staffId } });
    await tx.apiToken.updateMany({ where: { staffId, revokedAt: null }, data: { revokedAt: new Date() } });
    await tx.auditEvent.create({
      data: {
        type: "staff.deactivated",
        organisationId: actor.organisationId,
        actor: actor.staffId,
        subjectType: "staff",
        subjectId: staffId,
      },
    });
  });
}
