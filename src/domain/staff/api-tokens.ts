/**
 * API tokens for scripts: `Authorization: Bearer <token>` acts with the rights of the staff member
 * it was made for. The token is shown once; only its SHA-256 is kept. Revoked tokens and tokens
 * of a deactivated staff member open nothing.
 */
import type { Db } from "../../store/prisma.ts";
import { DomainError, parseInput } from "../errors.ts";
import { emailField } from "../organisations/fields.ts";
import { newSecret, secretHash } from "./secret-tokens.ts";
import type { StaffIdentity } from "./staff-identity.ts";

/** Every token starts so, which makes a leaked one easy to recognise (secret scanners). */
export const API_TOKEN_PREFIX = "ceb_";

/** Creates a token for the staff member with `email`; returns it (the only time it is visible). */
export async function createApiToken(db: Db, email: string): Promise<{ token: string; id: string }> {
  const staff = await activeStaffByEmail(db, email);
  const token = newSecret(API_TOKEN_PREFIX);
  const row = await db.apiToken.create({ data: { staffId: staff.id, tokenHash: secretHash(token) } });
  await db.auditEvent.create({
    data: {
      type: "staff.api_token_created",
      organisationId: staff.organisationId,
      actor: "cli",
      subjectType: "api_token",
      subjectId: row.id,
      data: { staffId: staff.id },
    },
  });
  return { token, id: row.id };
}

/** Revokes one token (given itself) or every token of the staff member with `email`. */
export async function revokeApiTokens(db: Db, input: { email?: string; token?: string }): Promise<number> {
  const now = new Date();
  if (input.token) {
    const { count } = await db.apiToken.updateMany({
      where: { tokenHash: secretHash(input.token), revokedAt: null },
      data: { revokedAt: now },
    });
    return count;
  }
  if (!input.email) throw new DomainError("Give --email or --token.");
  const email = parseInput(emailField, input.email);
  const { count } = await db.apiToken.updateMany({
    where: { staff: { email }, revokedAt: null },
    data: { revokedAt: now },
  });
  return count;
}

/** The staff member a bearer token acts for, or null. */
export async function identityForToken(db: Db, token: string): Promise<StaffIdentity | null> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 100) return null;
  const row = await db.apiToken.findUnique({
    where: { tokenHash: secretHash(token) },
    include: { staff: true },
  });
  if (!row || row.revokedAt || row.staff.deactivatedAt) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  const { staff } = row;
  return { staffId: staff.id, organisationId: staff.organisationId, role: staff.role, locale: staff.locale };
}

async function activeStaffByEmail(db: Db, input: string) {
  const email = parseInput(emailField, input);
  const staff = await db.counsellor.findUnique({ where: { email } });
  if (!staff || staff.deactivatedAt) throw new DomainError(`No active staff member with e-mail ${email}.`);
  return staff;
}
