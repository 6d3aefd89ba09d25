/**
 * Saved lists: a counsellor's named set of cases ("Tuesday group"), usable as a broadcast
 * segment. Only cases of the organisation's programmes can be in one; saving a name again
 * replaces its cases.
 */
import { z } from "zod";
import type { SavedList } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { DomainError, parseInput } from "../errors.ts";

const listInput = z.object({
  organisationSlug: z.string().trim().toLowerCase().min(1, "is required"),
  name: z.string().trim().min(1, "is required").max(80),
  caseIds: z.array(z.string().trim().min(1)).min(1, "needs at least one case").max(50_000),
});

export async function saveList(db: Db, input: z.input<typeof listInput>): Promise<SavedList> {
  const data = parseInput(listInput, input);
  const organisation = await db.organisation.findUnique({ where: { slug: data.organisationSlug } });
  if (!organisation) throw new DomainError(`No organisation "${data.organisationSlug}".`);
  const caseIds = [...new Set(data.caseIds)];
  const found = await db.case.findMany({
    where: { id: { in: caseIds }, programme: { organisationId: organisation.id } },
    select: { id: true },
  });
  const known = new Set(found.map((c) => c.id));
  const unknown = caseIds.filter((id) => !known.has(id));
  if (unknown.length)
    throw new DomainError(
      `Not cases of ${organisation.slug}: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}.`,
    );
  return db.savedList.upsert({
    where: { organisationId_name: { organisationId: organisation.id, name: data.name } },
    create: { organisationId: organisation.id, name: data.name, caseIds },
    update: { caseIds },
  });
}
