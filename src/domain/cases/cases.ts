/**
 * Cases from the counsellor's side: a counsellor opens a case for a client they met, and hands
 * the client the case's invite code (a Telegram deep link or a web chat link). The client is
 * linked when they start the bot with it and consent (client-linking.ts).
 */
import { z } from "zod";
import type { CaseStatus } from "../../generated/prisma/client.ts";
import type { Db, DbClient } from "../../store/prisma.ts";
import { DomainError, isUniqueViolation, parseInput } from "../errors.ts";
import { emailField, slugField } from "../organisations/fields.ts";
import { caseScope, type StaffIdentity } from "../staff/staff-identity.ts";
import { clientNameSelect, visibleClientName } from "./client-names.ts";
import { unusedInviteCode } from "./invite-codes.ts";

/** A case just created, with the code to hand to the client. */
export interface CreatedCase {
  id: string;
  inviteCode: string;
  status: CaseStatus;
  programmeId: string;
  programmeSlug: string;
  counsellorId: string;
  counsellorName: string;
  reference: string | null;
  createdAt: Date;
}

/** One row of a counsellor's case list. */
export interface CaseSummary {
  id: string;
  programmeSlug: string | null;
  status: CaseStatus;
  counsellorName: string | null;
  counsellorEmail: string | null;
  reference: string | null;
  /** Set until a client has used it. */
  inviteCode: string | null;
  clientLinked: boolean;
  /** Only while the client's consent stands (see client-names.ts). */
  clientName: string | null;
  clientLocale: string | null;
  createdAt: Date;
  linkedAt: Date | null;
}

const createCaseInput = z.object({
  programmeSlug: slugField,
  counsellorEmail: emailField,
  reference: z
    .string()
    .trim()
    .max(100, "at most 100 characters (initials or a file number, not a full name)")
    .optional()
    .transform((reference) => reference || null),
});

/**
 * Opens a case in a programme, owned by a counsellor of the programme's organisation, with a
 * fresh single-use invite code. Call it on the Prisma client, not inside a transaction: a code
 * collision is retried, which an aborted transaction could not do.
 */
export async function createCase(
  db: Db,
  input: { programmeSlug: string; counsellorEmail: string; reference?: string },
): Promise<CreatedCase> {
  const { programmeSlug, counsellorEmail, reference } = parseInput(createCaseInput, input);
  const programme = await db.programme.findUnique({ where: { slug: programmeSlug } });
  if (!programme) throw new DomainError(`No programme with slug "${programmeSlug}".`);
  const counsellor = await findCounsellor(db, counsellorEmail);
  if (counsellor.organisationId !== programme.organisationId)
    throw new DomainError(
      `Counsellor ${counsellorEmail} is not part of the organisation that runs programme "${programmeSlug}".`,
    );
  for (let attempt = 0; ; attempt++) {
    const inviteCode = await unusedInviteCode(db);
    try {
      const created = await db.case.create({
        data: { programmeId: programme.id, counsellorId: counsellor.id, reference, inviteCode },
      });
      return {
        id: created.id,
        inviteCode,
        status: created.status,
        programmeId: programme.id,
        programmeSlug: programme.slug,
        counsellorId: counsellor.id,
        counsellorName: counsellor.name,
        reference: created.reference,
        createdAt: created.createdAt,
      };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}

/**
 * The cases of the counsellor's organisation (theirs and their colleagues'), newest first; with
 * `staff`, exactly what that staff member may see (a steward: the clients they brought in).
 */
export async function listCases(
  db: DbClient,
  input: { counsellorEmail: string; staff?: StaffIdentity },
): Promise<CaseSummary[]> {
  const { counsellorEmail } = parseInput(z.object({ counsellorEmail: emailField }), input);
  const { organisationId } = await findCounsellor(db, counsellorEmail);
  const rows = await db.case.findMany({
    where: input.staff
      ? caseScope(input.staff)
      : { OR: [{ programme: { organisationId } }, { counsellor: { organisationId } }] },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    include: {
      programme: { select: { slug: true } },
      counsellor: { select: { name: true, email: true } },
      client: { select: clientNameSelect },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    programmeSlug: row.programme?.slug ?? null,
    status: row.status,
    counsellorName: row.counsellor?.name ?? null,
    counsellorEmail: row.counsellor?.email ?? null,
    reference: row.reference,
    inviteCode: row.inviteCode,
    clientLinked: row.clientId !== null,
    clientName: row.client ? visibleClientName(row.client) : null,
    clientLocale: row.client?.locale ?? null,
    createdAt: row.createdAt,
    linkedAt: row.linkedAt,
  }));
}

async function findCounsellor(db: DbClient, email: string) {
  const counsellor = await db.counsellor.findUnique({ where: { email } });
  if (!counsellor) throw new DomainError(`No counsellor with e-mail ${email}.`);
  return counsellor;
}
