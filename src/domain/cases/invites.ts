/**
 * What an invite code a client started with means. The conversation core resolves the code when
 * the client arrives (to greet them with their counsellor's name), and links the client once they
 * have consented (client-linking.ts); the funnel counts the arrival for the code's programme. One
 * SQL query (`inviteSql`), run through Prisma or on the turn's own connection (store/sql-read.ts).
 */
import { readRows, type SqlSource } from "../../store/sql-read.ts";
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

/** A row of `inviteSql`. */
export interface InviteRow {
  kind: "case" | "programme" | "unknown";
  caseId: string | null;
  programmeId: string | null;
  organisationId: string | null;
  /** The programme's IANA time zone (its day, for the funnel's count). */
  timezone: string | null;
  programmeName: string | null;
  counsellorId: string | null;
  counsellorName: string | null;
}

/**
 * What a code means, as SQL: at most one row (case and programme codes share one namespace; a
 * case's code is never read as a programme's). `code` is the placeholder of the normalised code
 * (`$1`, `$4::text`). A used or closed case code, or one whose case has no programme: `unknown`.
 */
export function inviteSql(code: string): string {
  return `SELECT CASE WHEN c."clientId" IS NULL AND c.status <> 'closed' AND p.id IS NOT NULL
                THEN 'case' ELSE 'unknown' END AS kind,
              c.id AS "caseId", p.id AS "programmeId", p."organisationId", p.timezone,
              NULL::text AS "programmeName", co.id AS "counsellorId", co.name AS "counsellorName"
         FROM "Case" c LEFT JOIN "Programme" p ON p.id = c."programmeId"
         LEFT JOIN "Counsellor" co ON co.id = c."counsellorId"
        WHERE c."inviteCode" = ${code}
       UNION ALL
       SELECT 'programme', NULL, p.id, p."organisationId", p.timezone, p.name, NULL, NULL
         FROM "Programme" p
        WHERE p."inviteCode" = ${code} AND NOT EXISTS (SELECT 1 FROM "Case" WHERE "inviteCode" = ${code})`;
}

/** The invite an `inviteSql` row says (none: unknown). */
export function inviteOf(row: InviteRow | undefined): ResolvedInvite {
  if (row?.kind === "case" && row.caseId && row.programmeId && row.organisationId)
    return {
      kind: "case",
      caseId: row.caseId,
      programmeId: row.programmeId,
      organisationId: row.organisationId,
      counsellorId: row.counsellorId,
      counsellorName: row.counsellorName,
    };
  if (row?.kind === "programme" && row.programmeId && row.organisationId && row.programmeName !== null)
    return {
      kind: "programme",
      programmeId: row.programmeId,
      organisationId: row.organisationId,
      programmeName: row.programmeName,
    };
  return { kind: "unknown" };
}

/** Looks up `code` (case-insensitive). Used or closed case codes resolve as unknown. */
export async function resolveInvite(db: SqlSource, code: string | null | undefined): Promise<ResolvedInvite> {
  const inviteCode = normaliseInviteCode(code);
  if (!inviteCode) return { kind: "unknown" };
  const [row] = await readRows<InviteRow>(db, inviteSql("$1::text"), [inviteCode]);
  return inviteOf(row);
}
