/**
 * Linking a client who has just consented to a case. The conversation core calls linkClient in
 * the transaction that creates the Client, with what resolveInvite said about the code the client
 * started with:
 *
 * - a case code: the client joins the counsellor's case (lead → intake), and the code is spent;
 * - a programme code: a new lead case in that programme, waiting for a counsellor;
 * - no code, an unknown code, or a case code someone else used first: a lead in the default-intake
 *   programme; when no programme is the default intake, no case at all (`no-intake`): a lead that
 *   no organisation could see would be a promise nobody keeps. The caller then forgets the client
 *   and keeps only the consent decision (effects.ts), and the bot asks for their counsellor's link.
 *
 * Two clients racing for one case code: the claim is a conditional update (`clientId IS NULL`),
 * so Postgres lets exactly one win; the other becomes a default-intake lead.
 */
import { z } from "zod";
import type { DbClient } from "../../store/prisma.ts";
import { readRows, type SqlSource } from "../../store/sql-read.ts";
import { DomainError, parseInput } from "../errors.ts";
import type { ResolvedInvite } from "./invites.ts";

/** Which path linkClient took. */
export type LinkKind = "case" | "programme-lead" | "default-intake-lead" | "no-intake";

/** What linkClient did: the case the client is now in, and how it got there. */
export interface LinkResult {
  kind: LinkKind;
  /** Null only for `no-intake`. */
  caseId: string | null;
  programmeId: string | null;
  organisationId: string | null;
  counsellorId: string | null;
  /** True when the client was already in this case (a replayed consent): nothing was changed. */
  alreadyLinked: boolean;
  /** True when the client came with a case code another client had used first. */
  codeAlreadyUsed: boolean;
}

const id = z.string().min(1, "must not be empty");
const linkClientInput = z.object({
  clientId: id,
  invite: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("case"), caseId: id }),
      z.object({ kind: z.literal("programme"), programmeId: id, organisationId: id }),
      z.object({ kind: z.literal("unknown") }),
    ])
    .nullish(),
});

/** Puts a consented client into a case according to `invite` (null: the client came without a code). */
export async function linkClient(
  db: DbClient,
  input: { clientId: string; invite: ResolvedInvite | null | undefined },
): Promise<LinkResult> {
  const { clientId, invite } = parseInput(linkClientInput, input);
  if (!(await db.client.findUnique({ where: { id: clientId }, select: { id: true } })))
    throw new DomainError(`No client with id ${clientId}.`);
  if (invite?.kind === "case") {
    const joined = await claimCase(db, clientId, invite.caseId);
    return joined ?? joinDefaultIntake(db, clientId, true);
  }
  if (invite?.kind === "programme")
    return joinProgramme(db, clientId, invite.programmeId, invite.organisationId, "programme-lead", false);
  return joinDefaultIntake(db, clientId, false);
}

/** Claims the case for the client if nobody has; null when another client holds it. */
async function claimCase(db: DbClient, clientId: string, caseId: string): Promise<LinkResult | null> {
  const link = { clientId, linkedAt: new Date(), inviteCode: null };
  const unclaimed = { id: caseId, clientId: null };
  let claimed = await db.case.updateMany({
    where: { ...unclaimed, status: "lead" },
    data: { ...link, status: "intake" },
  });
  if (claimed.count === 0)
    claimed = await db.case.updateMany({
      where: { ...unclaimed, status: { notIn: ["lead", "closed"] } },
      data: link,
    });
  const row = await db.case.findUnique({
    where: { id: caseId },
    select: {
      clientId: true,
      programmeId: true,
      counsellorId: true,
      programme: { select: { organisationId: true } },
    },
  });
  if (!row || row.clientId !== clientId) return null;
  return {
    kind: "case",
    caseId,
    programmeId: row.programmeId,
    organisationId: row.programme?.organisationId ?? null,
    counsellorId: row.counsellorId,
    alreadyLinked: claimed.count === 0,
    codeAlreadyUsed: false,
  };
}

/** A programme that takes clients: what linking and the turn after it need of it. */
export interface IntakeProgramme {
  id: string;
  organisationId: string;
  timezone: string;
  settings: unknown;
}

/**
 * The programme that takes clients who came without a (usable) code, as SQL: the newest marked
 * one; no row when none is. Read by linking (also at once, link-at-once.ts), by onboarding's start
 * facts (is there one?) and by the funnel's count (store/sql-read.ts: through Prisma or on the
 * turn's connection).
 */
export const DEFAULT_INTAKE_SQL = `SELECT id, "organisationId", timezone, settings FROM "Programme"
  WHERE "isDefaultIntake" ORDER BY "createdAt" DESC LIMIT 1`;

/** The default-intake programme; null when none is marked. */
export async function defaultIntakeProgramme(db: SqlSource): Promise<IntakeProgramme | null> {
  const [intake] = await readRows<IntakeProgramme>(db, DEFAULT_INTAKE_SQL, []);
  return intake ?? null;
}

/** A lead in the default-intake programme, or no case when there is none. */
async function joinDefaultIntake(
  db: DbClient,
  clientId: string,
  codeAlreadyUsed: boolean,
): Promise<LinkResult> {
  const intake = await defaultIntakeProgramme(db);
  if (intake)
    return joinProgramme(
      db,
      clientId,
      intake.id,
      intake.organisationId,
      "default-intake-lead",
      codeAlreadyUsed,
    );
  return {
    kind: "no-intake",
    caseId: null,
    programmeId: null,
    organisationId: null,
    counsellorId: null,
    alreadyLinked: false,
    codeAlreadyUsed,
  };
}

/** A lead case in `programmeId`, unless the client already has an open one there. */
async function joinProgramme(
  db: DbClient,
  clientId: string,
  programmeId: string,
  organisationId: string,
  kind: LinkKind,
  codeAlreadyUsed: boolean,
): Promise<LinkResult> {
  const existing = await db.case.findFirst({
    where: { clientId, programmeId, status: { not: "closed" } },
    orderBy: { createdAt: "asc" },
    select: { id: true, counsellorId: true },
  });
  const lead =
    existing ??
    (await db.case.create({
      data: { clientId, programmeId, status: "lead", linkedAt: new Date() },
      select: { id: true, counsellorId: true },
    }));
  return {
    kind,
    caseId: lead.id,
    programmeId,
    organisationId,
    counsellorId: lead.counsellorId,
    alreadyLinked: existing !== null,
    codeAlreadyUsed,
  };
}
