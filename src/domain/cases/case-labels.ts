/**
 * A case's place (municipality or reception centre) and tags: the labels broadcast segments
 * select on. Codes a counsellor chooses, not personal data about the client; a counsellor can
 * only label cases of their own organisation.
 */
import { z } from "zod";
import type { Db } from "../../store/prisma.ts";
import { DomainError, parseInput } from "../errors.ts";
import { emailField } from "../organisations/fields.ts";

const tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "must be a short code: letters, digits, - or _");

const labelsInput = z.object({
  caseId: z.string().trim().min(1, "is required"),
  counsellorEmail: emailField,
  /** "" clears it. */
  place: z.string().trim().max(80).optional(),
  addTags: z.array(tag).default([]),
  removeTags: z.array(tag).default([]),
});

export async function updateCaseLabels(
  db: Db,
  input: z.input<typeof labelsInput>,
): Promise<{ id: string; place: string | null; tags: string[] }> {
  const data = parseInput(labelsInput, input);
  const counsellor = await db.counsellor.findUnique({ where: { email: data.counsellorEmail } });
  if (!counsellor) throw new DomainError(`No counsellor with e-mail ${data.counsellorEmail}.`);
  const found = await db.case.findUnique({
    where: { id: data.caseId },
    select: { tags: true, programme: { select: { organisationId: true } } },
  });
  if (!found || found.programme?.organisationId !== counsellor.organisationId)
    throw new DomainError(`No case ${data.caseId} in ${data.counsellorEmail}'s organisation.`);
  const tags = [...new Set([...found.tags, ...data.addTags])].filter((t) => !data.removeTags.includes(t));
  return db.case.update({
    where: { id: data.caseId },
    data: { tags, ...(data.place !== undefined ? { place: data.place === "" ? null : data.place } : {}) },
    select: { id: true, place: true, tags: true },
  });
}
