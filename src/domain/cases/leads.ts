/**
 * Leads: clients who came in through a programme's poster code or without any code, and wait for
 * a counsellor to take them, whatever their case status. (A case a counsellor opened is theirs from the start, so it is not a
 * lead even while its status says `lead`.) Unassigned leads belong to no programme yet.
 */
import { z } from "zod";
import type { DbClient } from "../../store/prisma.ts";
import { DomainError, parseInput } from "../errors.ts";
import { slugField } from "../organisations/fields.ts";
import { clientNameSelect, visibleClientName } from "./client-names.ts";

/** One waiting lead. */
export interface LeadSummary {
  caseId: string;
  programmeSlug: string | null;
  organisationSlug: string | null;
  createdAt: Date;
  clientLocale: string | null;
  /** Only while the client's consent stands (see client-names.ts). */
  clientName: string | null;
}

const listLeadsInput = z.object({
  organisationSlug: slugField.optional(),
  unassigned: z.boolean().default(false),
});

/**
 * Leads waiting for a counsellor, oldest first: of one organisation's programmes, only the
 * unassigned ones (no programme), or all of them.
 */
export async function listLeads(
  db: DbClient,
  input: { organisationSlug?: string; unassigned?: boolean } = {},
): Promise<LeadSummary[]> {
  const { organisationSlug, unassigned } = parseInput(listLeadsInput, input);
  if (organisationSlug && unassigned)
    throw new DomainError("Unassigned leads belong to no organisation: ask for one or the other, not both.");
  if (organisationSlug && !(await db.organisation.findUnique({ where: { slug: organisationSlug } })))
    throw new DomainError(`No organisation with slug "${organisationSlug}".`);
  const rows = await db.case.findMany({
    where: {
      // Every client with no counsellor, whatever the status says: one who finished the
      // questionnaire (preparation) is still waiting for a person.
      status: { not: "closed" },
      counsellorId: null,
      clientId: { not: null },
      ...(unassigned ? { programmeId: null } : {}),
      ...(organisationSlug ? { programme: { organisation: { slug: organisationSlug } } } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: {
      programme: { select: { slug: true, organisation: { select: { slug: true } } } },
      client: { select: clientNameSelect },
    },
  });
  return rows.map((row) => ({
    caseId: row.id,
    programmeSlug: row.programme?.slug ?? null,
    organisationSlug: row.programme?.organisation.slug ?? null,
    createdAt: row.createdAt,
    clientLocale: row.client?.locale ?? null,
    clientName: row.client ? visibleClientName(row.client) : null,
  }));
}
