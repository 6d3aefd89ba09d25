/**
 * What an invite code a client started with means. The conversation core resolves the code when
 * the client arrives (to greet them with their counsellor's name), and links the client once they
 * have consented (client-linking.ts).
 */
import type { DbClient } from "../../store/prisma.ts";
import { normaliseInviteCode } from "./invite-codes.ts";

/**
 * A resolved invite. `case`: a counsellor's single-use code for one client. `programme`: a
 * programme's code (posters), any number of clients. `unknown`: no such code, or a case code
 * already used — the client becomes a lead of the default intake.
 */
export type ResolvedInvite =
  | {
      kind: "case";
      caseId: string;
      programmeId: string;
      organisationId: string;
      counsellorId: string | null;
      /** Null only when the counsellor was removed after creating the case. */
      counsellorName: string | null;
    }
  | { kind: "programme"; programmeId: string; organisationId: string; programmeName: string }
  | { kind: "unknown" };

/** Looks up `code` (case-insensitive). Used or closed case codes resolve as unknown. */
export async function resolveInvite(db: DbClient, code: string | null | undefined): Promise<ResolvedInvite> {
  const inviteCode = normaliseInviteCode(code);
  if (!inviteCode) return { kind: "unknown" };
  const invitedCase = await db.case.findUnique({
    where: { inviteCode },
    select: {
      id: true,
      clientId: true,
      status: true,
      programme: { select: { id: true, organisationId: true } },
      counsellor: { select: { id: true, name: true } },
    },
  });
  if (invitedCase) {
    if (invitedCase.clientId !== null || invitedCase.status === "closed" || !invitedCase.programme)
      return { kind: "unknown" };
    return {
      kind: "case",
      caseId: invitedCase.id,
      programmeId: invitedCase.programme.id,
      organisationId: invitedCase.programme.organisationId,
      counsellorId: invitedCase.counsellor?.id ?? null,
      counsellorName: invitedCase.counsellor?.name ?? null,
    };
  }
  const programme = await db.programme.findUnique({
    where: { inviteCode },
    select: { id: true, organisationId: true, name: true },
  });
  if (programme)
    return {
      kind: "programme",
      programmeId: programme.id,
      organisationId: programme.organisationId,
      programmeName: programme.name,
    };
  return { kind: "unknown" };
}
