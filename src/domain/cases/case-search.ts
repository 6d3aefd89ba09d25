/**
 * The case list with filters, inside the staff member's scope: status, programme, counsellor,
 * place, tag, and a search on the counsellor's reference. Newest first, at most LIMIT rows.
 */
import { z } from "zod";
import type { CaseStatus, Prisma } from "../../generated/prisma/client.ts";
import type { DbClient } from "../../store/prisma.ts";
import { caseScope, type StaffIdentity } from "../staff/staff-identity.ts";
import { CASE_PIPELINE } from "./case-status-history.ts";
import { clientNameSelect, visibleClientName } from "./client-names.ts";

const LIMIT = 200;
const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);

/** The filters, as a query string gives them (empty means no filter). */
export const caseFilters = z.object({
  status: z.preprocess(blankToUndefined, z.enum(CASE_PIPELINE as [CaseStatus, ...CaseStatus[]]).optional()),
  programme: z.preprocess(blankToUndefined, z.string().max(64).optional()),
  counsellor: z.preprocess(blankToUndefined, z.string().max(320).optional()),
  place: z.preprocess(blankToUndefined, z.string().max(200).optional()),
  tag: z.preprocess(blankToUndefined, z.string().max(100).optional()),
  q: z.preprocess(blankToUndefined, z.string().max(100).optional()),
});
export type CaseFilters = z.output<typeof caseFilters>;

/** One row of the list. */
export interface CaseRow {
  id: string;
  status: CaseStatus;
  programmeSlug: string | null;
  counsellorName: string | null;
  reference: string | null;
  place: string | null;
  tags: string[];
  clientName: string | null;
  clientLocale: string | null;
  createdAt: Date;
}

/** The cases matching `filters` that the staff member may see. */
export async function searchCases(
  db: DbClient,
  staff: StaffIdentity,
  filters: CaseFilters,
): Promise<CaseRow[]> {
  const where: Prisma.CaseWhereInput[] = [caseScope(staff)];
  if (filters.status) where.push({ status: filters.status });
  if (filters.programme) where.push({ programme: { slug: filters.programme } });
  if (filters.counsellor)
    where.push(
      filters.counsellor === "none" ? { counsellorId: null } : { counsellor: { email: filters.counsellor } },
    );
  if (filters.place) where.push({ place: { equals: filters.place, mode: "insensitive" } });
  if (filters.tag) where.push({ tags: { has: filters.tag } });
  if (filters.q) where.push({ reference: { contains: filters.q, mode: "insensitive" } });
  const rows = await db.case.findMany({
    where: { AND: where },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: LIMIT,
    include: {
      programme: { select: { slug: true } },
      counsellor: { select: { name: true } },
      client: { select: clientNameSelect },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    programmeSlug: row.programme?.slug ?? null,
    counsellorName: row.counsellor?.name ?? null,
    reference: row.reference,
    place: row.place,
    tags: row.tags,
    clientName: row.client ? visibleClientName(row.client) : null,
    clientLocale: row.client?.locale ?? null,
    createdAt: row.createdAt,
  }));
}
