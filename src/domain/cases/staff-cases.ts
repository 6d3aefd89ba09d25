/**
 * A staff member opens a case for a client they met, from the console: a counsellor (or a
 * coordinator) owns it at once; a steward doing outreach brings the client in without owning
 * the case, so it waits in the leads for a counsellor, and stays among the steward's clients.
 * The case's single-use invite code goes to the client as a link or a QR code.
 */
import { z } from "zod";
import type { Db } from "../../store/prisma.ts";
import { DomainError, isUniqueViolation, parseInput } from "../errors.ts";
import { slugField } from "../organisations/fields.ts";
import type { StaffIdentity } from "../staff/staff-identity.ts";
import { recordStatusChange } from "./case-status-history.ts";
import { unusedInviteCode } from "./invite-codes.ts";

export const openCaseInput = z.object({
  programme: slugField,
  reference: z
    .string()
    .trim()
    .max(100, "at most 100 characters (initials or a file number, not a full name)")
    .optional()
    .transform((reference) => reference || null),
});

/** Opens a case in one of the staff member's programmes; returns its id. */
export async function openCaseAsStaff(
  db: Db,
  staff: StaffIdentity,
  input: z.input<typeof openCaseInput>,
): Promise<string> {
  const { programme: slug, reference } = parseInput(openCaseInput, input);
  const programme = await db.programme.findFirst({ where: { slug, organisationId: staff.organisationId } });
  if (!programme)
    throw new DomainError(`No programme "${slug}" in your organisation.`, { code: "unknown_programme" });
  for (let attempt = 0; ; attempt++) {
    const inviteCode = await unusedInviteCode(db);
    try {
      const created = await db.case.create({
        data: {
          programmeId: programme.id,
          counsellorId: staff.role === "steward" ? null : staff.staffId,
          broughtInById: staff.staffId,
          reference,
          inviteCode,
        },
      });
      await recordStatusChange(db, {
        caseId: created.id,
        from: null,
        to: created.status,
        actorId: staff.staffId,
      });
      return created.id;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}
