/**
 * Which vacancies a staff member may see and change: their organisation's, for counsellors and
 * coordinators. A steward sees only the clients they brought in, so not the organisation-wide
 * match list: vacancies are not theirs (403). Another organisation's vacancy is 404, like one that
 * does not exist.
 */
import type { Vacancy } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { NotFoundError } from "../errors.ts";
import { requireRole, type StaffIdentity } from "../staff/staff-identity.ts";

/** Throws unless the staff member works with vacancies (counsellor, coordinator). */
export function requireVacancyRole(staff: StaffIdentity): void {
  requireRole(staff, "counsellor", "coordinator");
}

/** The vacancy, if it is of the staff member's organisation and their role works with vacancies. */
export async function vacancyForStaff(db: Db, staff: StaffIdentity, vacancyId: string): Promise<Vacancy> {
  const vacancy =
    vacancyId.length <= 100
      ? await db.vacancy.findFirst({ where: { id: vacancyId, organisationId: staff.organisationId } })
      : null;
  if (!vacancy) throw new NotFoundError(`No vacancy with id ${vacancyId}.`);
  requireVacancyRole(staff);
  return vacancy;
}

/** One vacancy in a list, with how far its alerts got. */
export type VacancySummary = Vacancy & { alerts: { status: string }[] };

/** The organisation's vacancies, newest first, open ones before closed ones. */
export async function listVacancies(db: Db, staff: StaffIdentity): Promise<VacancySummary[]> {
  requireVacancyRole(staff);
  return db.vacancy.findMany({
    where: { organisationId: staff.organisationId },
    orderBy: [{ status: "asc" }, { createdAt: "desc" }],
    include: { alerts: { select: { status: true } } },
    take: 200,
  });
}
