/**
 * Staff invitations: a coordinator (or the operator's CLI) invites someone by e-mail with a role;
 * they get a one-time link that opens a page to set their password. The link's token is stored
 * hashed and expires after INVITE_VALID_DAYS; inviting the same person again issues a new link
 * (the old one stops working) only while they have not set a password: a link for someone who has
 * would let whoever opens it replace their password and sign in as them. Every invitation and
 * password set is in the audit log.
 */
import { z } from "zod";
import type { Counsellor, CounsellorLocale, Prisma, StaffRole } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { DomainError, parseInput } from "../errors.ts";
import { counsellorLocaleField, emailField, nameField, slugField } from "../organisations/fields.ts";
import { findOrganisation } from "../organisations/organisations.ts";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./passwords.ts";
import { newSecret, secretHash } from "./secret-tokens.ts";
import { STAFF_ROLES } from "./staff-identity.ts";

export const INVITE_VALID_DAYS = 7;

const inviteInput = z.object({
  organisationSlug: slugField,
  email: emailField,
  name: nameField,
  role: z.enum(STAFF_ROLES, { error: "must be counsellor, steward or coordinator" }),
  locale: counsellorLocaleField.optional(),
});

/** An invitation: the staff member and the one-time token their link carries. */
export interface StaffInvitation {
  staff: Counsellor;
  token: string;
}

/**
 * Invites a staff member into an organisation, or re-invites one who has not set a password yet
 * (the new invite's name, role and locale replace theirs). An active member who has set one, or
 * signed in with OIDC, is refused: a new link would let whoever opens it take their account. A deactivated member is
 * invited back (a colleague who returns): their old password is cleared, so they choose a new one
 * through the link, and the audit says `reactivated`. An e-mail of another organisation is refused
 * without saying so. `invitedBy` is the coordinator's id (null: the operator's CLI).
 */
export async function inviteStaff(
  db: Db,
  input: {
    organisationSlug: string;
    email: string;
    name: string;
    role: StaffRole;
    locale?: CounsellorLocale;
  },
  invitedBy: string | null = null,
): Promise<StaffInvitation> {
  const { organisationSlug, email, name, role, locale } = parseInput(inviteInput, input);
  const organisation = await findOrganisation(db, organisationSlug);
  const token = newSecret();
  const invite = {
    inviteTokenHash: secretHash(token),
    inviteExpiresAt: new Date(Date.now() + INVITE_VALID_DAYS * 86_400_000),
  };
  const existing = await db.counsellor.findUnique({ where: { email } });
  if (existing && existing.organisationId !== organisation.id)
    throw new DomainError("This e-mail address cannot be invited.", { code: "email_not_invitable" });
  const staff = existing
    ? await reinvite(db, existing, {
        ...invite,
        name,
        role,
        deactivatedAt: null,
        ...(locale ? { locale } : {}),
      })
    : await db.counsellor.create({
        data: { ...invite, organisationId: organisation.id, email, name, role, locale: locale ?? "nl" },
      });
  await db.auditEvent.create({
    data: {
      type: "staff.invited",
      organisationId: organisation.id,
      actor: invitedBy ?? "cli",
      subjectType: "staff",
      subjectId: staff.id,
      data: { role, ...(existing?.deactivatedAt ? { reactivated: true } : {}) },
    },
  });
  return { staff, token };
}

/**
 * A new invite for `existing`: refused once an active member has set a password (then, or while
 * this runs); a deactivated one's password is cleared with it (deactivation ended their sessions
 * and tokens already).
 */
async function reinvite(
  db: Db,
  existing: Counsellor,
  data: Prisma.CounsellorUpdateManyMutationInput,
): Promise<Counsellor> {
  const where = { id: existing.id, OR: [{ passwordHash: null }, { deactivatedAt: { not: null } }] };
  const returning = existing.deactivatedAt !== null;
  const updated =
    !returning && (existing.passwordHash || (await hasSignedIn(db, existing.id)))
      ? 0
      : (await db.counsellor.updateMany({ where, data: { ...data, passwordHash: null } })).count;
  if (updated === 0)
    throw new DomainError(`${existing.email} has already set a password and cannot be invited again.`, {
      code: "staff_already_signed_up",
    });
  return db.counsellor.findUniqueOrThrow({ where: { id: existing.id } });
}

/** Whether they ever signed in (with OIDC an account has no password, but it is in use all the same). */
async function hasSignedIn(db: Db, staffId: string): Promise<boolean> {
  const where = { subjectType: "staff", subjectId: staffId, type: "staff.signed_in" };
  return (await db.auditEvent.findFirst({ where, select: { id: true } })) !== null;
}

/** The staff member an unexpired invite token belongs to, or null. */
export async function findInvite(db: Db, token: string): Promise<Counsellor | null> {
  if (!token || token.length > 100) return null;
  const staff = await db.counsellor.findUnique({ where: { inviteTokenHash: secretHash(token) } });
  if (!staff || staff.deactivatedAt || !staff.inviteExpiresAt || staff.inviteExpiresAt < new Date())
    return null;
  return staff;
}

export const passwordField = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `at most ${PASSWORD_MAX_LENGTH} characters`);

/**
 * Sets the password of the invite's staff member and spends the token. Returns the staff member,
 * or null when the token is unknown, used or expired. Other sessions of the account end.
 */
export async function setPasswordWithInvite(
  db: Db,
  token: string,
  password: string,
): Promise<Counsellor | null> {
  const valid = parseInput(passwordField, password);
  const staff = await findInvite(db, token);
  if (!staff) return null;
  const passwordHash = await hashPassword(valid);
  const spent = await db.counsellor.updateMany({
    where: { id: staff.id, inviteTokenHash: secretHash(token) },
    data: { passwordHash, inviteTokenHash: null, inviteExpiresAt: null },
  });
  if (spent.count === 0) return null;
  await db.staffSession.deleteMany({ where: { staffId: staff.id } });
  await db.auditEvent.create({
    data: {
      type: "staff.password_set",
      organisationId: staff.organisationId,
      actor: staff.id,
      subjectType: "staff",
      subjectId: staff.id,
    },
  });
  return staff;
}

/** The link that opens the set-password page: PUBLIC_URL, else http://HOST:PORT. */
export function inviteLink(baseUrl: string, token: string): string {
  return new URL(`/console/set-password?token=${encodeURIComponent(token)}`, baseUrl).toString();
}
