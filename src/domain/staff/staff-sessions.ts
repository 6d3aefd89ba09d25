/**
 * Console sessions, kept in Postgres so they can be revoked: the browser's cookie holds a random
 * token, the row its SHA-256. A session lasts SESSION_HOURS from sign-in (a working day and a
 * half) and ends at once when its staff member is deactivated (the rows are deleted) or signs out.
 */
import type { Db } from "../../store/prisma.ts";
import { newSecret, secretHash } from "./secret-tokens.ts";
import type { StaffIdentity } from "./staff-identity.ts";

export const SESSION_HOURS = 12;

/** A session as the console sees it. */
export interface StaffSessionInfo {
  identity: StaffIdentity;
  name: string;
  email: string;
  /** The session's CSRF token: every form and htmx request carries it. */
  csrfToken: string;
}

/** Opens a session; returns the cookie's token (shown once, never stored). */
export async function openSession(db: Db, staffId: string): Promise<string> {
  const token = newSecret();
  await db.staffSession.create({
    data: {
      id: secretHash(token),
      staffId,
      csrfToken: newSecret(),
      expiresAt: new Date(Date.now() + SESSION_HOURS * 3_600_000),
    },
  });
  return token;
}

/** The live session behind a cookie token, or null (unknown, expired, or its staff deactivated). */
export async function findSession(db: Db, token: string): Promise<StaffSessionInfo | null> {
  if (!token || token.length > 100) return null;
  const row = await db.staffSession.findUnique({
    where: { id: secretHash(token) },
    include: { staff: true },
  });
  if (!row || row.expiresAt < new Date() || row.staff.deactivatedAt) return null;
  if (Date.now() - row.lastSeenAt.getTime() > 60_000)
    await db.staffSession.updateMany({ where: { id: row.id }, data: { lastSeenAt: new Date() } });
  const { staff } = row;
  return {
    identity: {
      staffId: staff.id,
      organisationId: staff.organisationId,
      role: staff.role,
      locale: staff.locale,
    },
    name: staff.name,
    email: staff.email,
    csrfToken: row.csrfToken,
  };
}

/** Ends one session (sign-out). */
export async function closeSession(db: Db, token: string): Promise<void> {
  await db.staffSession.deleteMany({ where: { id: secretHash(token) } });
}

/** Removes expired sessions (housekeeping; an expired one never opens anything anyway). */
export async function purgeExpiredSessions(db: Db): Promise<number> {
  const { count } = await db.staffSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return count;
}
