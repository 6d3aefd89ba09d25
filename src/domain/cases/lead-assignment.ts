/**
 * Leads as staff see them, and taking one: every linked client with no counsellor, whatever the
 * case status says (a lead that finished the questionnaire is still a lead), oldest first, inside
 * the staff member's scope. Assigning gives the case a counsellor (and a programme when it had
 * none), moves a `lead` to `intake`, and tells the client who their counsellor is, in their
 * language, through the outbox.
 */
import { z } from "zod";
import { writeToCaseClient } from "../../conversation/proactive.ts";
import type { CaseStatus } from "../../generated/prisma/client.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { Outbox } from "../../outbox/outbox.ts";
import type { Db, DbClient } from "../../store/prisma.ts";
import { DomainError, ForbiddenError, NotFoundError, parseInput } from "../errors.ts";
import { emailField, slugField } from "../organisations/fields.ts";
import { caseScope, type StaffIdentity } from "../staff/staff-identity.ts";
import { requireCaseInScope } from "./case-access.ts";
import { recordStatusChange } from "./case-status-history.ts";
import { clientNameSelect, visibleClientName } from "./client-names.ts";

/** One lead waiting for a counsellor. */
export interface StaffLead {
  caseId: string;
  status: CaseStatus;
  programmeSlug: string | null;
  createdAt: Date;
  clientLocale: string | null;
  clientName: string | null;
}

/** The leads a staff member may see, oldest first. */
export async function leadsForStaff(db: DbClient, staff: StaffIdentity): Promise<StaffLead[]> {
  const rows = await db.case.findMany({
    where: {
      AND: [{ counsellorId: null, clientId: { not: null }, status: { not: "closed" } }, caseScope(staff)],
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: { programme: { select: { slug: true } }, client: { select: clientNameSelect } },
  });
  return rows.map((row) => ({
    caseId: row.id,
    status: row.status,
    programmeSlug: row.programme?.slug ?? null,
    createdAt: row.createdAt,
    clientLocale: row.client?.locale ?? null,
    clientName: row.client ? visibleClientName(row.client) : null,
  }));
}

export const assignLeadBody = z.object({
  counsellorEmail: emailField,
  programme: slugField.optional(),
});

/** What assignLead did. */
export interface Assignment {
  caseId: string;
  counsellorId: string;
  counsellorName: string;
  programmeSlug: string;
  status: CaseStatus;
  /** Whether the client was told (false: no active conversation to tell them in). */
  clientTold: boolean;
}

/** What assignLead needs to tell the client. */
export interface AssignDeps {
  db: Db;
  outbox: Outbox;
  translator: Translator;
}

/**
 * Gives a lead to a counsellor: a counsellor may take it themselves, a coordinator may give it
 * to anyone of the organisation who owns cases; a steward may not.
 */
export async function assignLead(
  deps: AssignDeps,
  staff: StaffIdentity,
  caseId: string,
  input: z.input<typeof assignLeadBody>,
): Promise<Assignment> {
  const body = parseInput(assignLeadBody, input);
  await requireCaseInScope(deps.db, staff, caseId);
  if (staff.role === "steward") throw new ForbiddenError("Stewards do not assign leads.");
  const target = await deps.db.counsellor.findFirst({
    where: { email: body.counsellorEmail, organisationId: staff.organisationId, deactivatedAt: null },
  });
  if (!target || target.role === "steward")
    throw new DomainError(`No counsellor with e-mail ${body.counsellorEmail} in your organisation.`);
  if (staff.role === "counsellor" && target.id !== staff.staffId)
    throw new ForbiddenError("A counsellor may assign a lead only to themselves.");
  let messageIds: bigint[] = [];
  const result = await deps.db.$transaction(async (tx) => {
    const lead = await tx.case.findUniqueOrThrow({ where: { id: caseId }, include: { programme: true } });
    if (lead.counsellorId) throw new DomainError("This case already has a counsellor.");
    const programme = body.programme
      ? await tx.programme.findFirst({
          where: { slug: body.programme, organisationId: staff.organisationId },
        })
      : lead.programme;
    if (!programme)
      throw new DomainError(
        body.programme
          ? `No programme "${body.programme}" in your organisation.`
          : "Choose a programme: this lead has none.",
      );
    const status: CaseStatus = lead.status === "lead" ? "intake" : lead.status;
    const claimed = await tx.case.updateMany({
      where: { id: caseId, counsellorId: null },
      data: { counsellorId: target.id, programmeId: programme.id, status },
    });
    if (claimed.count === 0) throw new DomainError("This case already has a counsellor.");
    await recordStatusChange(tx, { caseId, from: lead.status, to: status, actorId: staff.staffId });
    await tx.auditEvent.create({
      data: {
        type: "lead.assigned",
        organisationId: staff.organisationId,
        actor: staff.staffId,
        subjectType: "case",
        subjectId: caseId,
        data: { counsellorId: target.id, programmeId: programme.id },
      },
    });
    const told = await writeToCaseClient(tx, deps, {
      caseId,
      outputs: [{ key: "leads.counsellor_assigned", params: { name: target.name } }],
      idempotencyKey: `lead-assigned:${caseId}:${target.id}`,
    });
    if ("messageIds" in told) messageIds = told.messageIds;
    return { programmeSlug: programme.slug, status };
  });
  if (messageIds.length) await deps.outbox.dispatch(messageIds);
  return {
    caseId,
    counsellorId: target.id,
    counsellorName: target.name,
    programmeSlug: result.programmeSlug,
    status: result.status,
    clientTold: messageIds.length > 0,
  };
}

export { NotFoundError };
