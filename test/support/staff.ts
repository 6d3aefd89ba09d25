/** Staff members for console and API tests: invited, with a password, and an API token. */
import { createApiToken } from "../../src/domain/staff/api-tokens.ts";
import type { StaffRole } from "../../src/domain/staff/staff-identity.ts";
import { inviteStaff, setPasswordWithInvite } from "../../src/domain/staff/staff-invites.ts";
import type { Db } from "../../src/store/prisma.ts";
import { uid } from "./db.ts";

export const TEST_PASSWORD = "correct horse battery staple";

/** A signed-up staff member of `organisationSlug`, with an API token. */
export async function staffMember(
  db: Db,
  organisationSlug: string,
  role: StaffRole,
  options: { locale?: "nl" | "fr" | "en"; name?: string } = {},
) {
  const email = `${role}-${uid()}@example.org`;
  const { staff, token } = await inviteStaff(db, {
    organisationSlug,
    email,
    name: options.name ?? `${role} ${email.slice(0, 12)}`,
    role,
    locale: options.locale ?? "en",
  });
  await setPasswordWithInvite(db, token, TEST_PASSWORD);
  const api = await createApiToken(db, email);
  return {
    ...staff,
    apiToken: api.token,
    identity: { staffId: staff.id, organisationId: staff.organisationId, role, locale: staff.locale },
  };
}

/** The Authorization header of a staff member's token. */
export function bearer(member: { apiToken: string }): { authorization: string } {
  return { authorization: `Bearer ${member.apiToken}` };
}
