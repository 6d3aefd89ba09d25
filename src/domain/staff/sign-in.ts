/**
 * Signing in with e-mail and password, and with OIDC (an identity provider vouching for a
 * verified e-mail). Both write every success and every failure to the audit log (staff id when
 * known, a hash of the e-mail when not; never the password), and both refuse deactivated staff.
 */
import type { Counsellor } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { verifyAgainstDecoy, verifyPassword } from "./passwords.ts";
import { secretHash } from "./secret-tokens.ts";

/** Why a sign-in failed (in the audit log; the person sees one message for all). */
export type SignInFailure =
  | "unknown_email"
  | "wrong_password"
  | "no_password"
  | "deactivated"
  | "rate_limited"
  | "oidc_unverified_email";

export type SignInResult = { ok: true; staff: Counsellor } | { ok: false; reason: SignInFailure };

/** Checks e-mail and password; audits the attempt. */
export async function signInWithPassword(db: Db, email: string, password: string): Promise<SignInResult> {
  const normalised = email.trim().toLowerCase();
  const staff =
    normalised.length <= 320 ? await db.counsellor.findUnique({ where: { email: normalised } }) : null;
  let result: SignInResult;
  if (!staff)
    result = { ok: false, reason: await verifyAgainstDecoy(password).then(() => "unknown_email" as const) };
  else if (!staff.passwordHash)
    result = { ok: false, reason: await verifyAgainstDecoy(password).then(() => "no_password" as const) };
  else if (!(await verifyPassword(staff.passwordHash, password)))
    result = { ok: false, reason: "wrong_password" };
  else if (staff.deactivatedAt) result = { ok: false, reason: "deactivated" };
  else result = { ok: true, staff };
  await auditSignIn(db, "password", normalised, staff, result);
  return result;
}

/** Matches a verified e-mail from the identity provider to an invited, active staff member. */
export async function signInWithOidc(
  db: Db,
  email: string | undefined,
  verified: boolean,
): Promise<SignInResult> {
  const normalised = (email ?? "").trim().toLowerCase();
  const staff = normalised ? await db.counsellor.findUnique({ where: { email: normalised } }) : null;
  let result: SignInResult;
  if (!verified) result = { ok: false, reason: "oidc_unverified_email" };
  else if (!staff) result = { ok: false, reason: "unknown_email" };
  else if (staff.deactivatedAt) result = { ok: false, reason: "deactivated" };
  else result = { ok: true, staff };
  if (result.ok && staff?.inviteTokenHash)
    await db.counsellor.update({
      where: { id: staff.id },
      data: { inviteTokenHash: null, inviteExpiresAt: null },
    });
  await auditSignIn(db, "oidc", normalised, staff, result);
  return result;
}

/** Audits a refused attempt that never reached the password check (rate limit). */
export async function auditRateLimited(db: Db, email: string): Promise<void> {
  const normalised = email.trim().toLowerCase();
  const staff =
    normalised.length <= 320 ? await db.counsellor.findUnique({ where: { email: normalised } }) : null;
  await auditSignIn(db, "password", normalised, staff, { ok: false, reason: "rate_limited" });
}

async function auditSignIn(
  db: Db,
  method: "password" | "oidc",
  email: string,
  staff: Counsellor | null,
  result: SignInResult,
): Promise<void> {
  await db.auditEvent.create({
    data: {
      type: result.ok ? "staff.signed_in" : "staff.sign_in_failed",
      organisationId: staff?.organisationId ?? null,
      actor: staff?.id ?? null,
      subjectType: "staff",
      subjectId: staff?.id ?? null,
      data: {
        method,
        ...(result.ok ? {} : { reason: result.reason }),
        ...(staff ? {} : { emailHash: secretHash(email).slice(0, 16) }),
      },
    },
  });
}
