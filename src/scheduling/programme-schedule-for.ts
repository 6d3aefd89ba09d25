/**
 * The schedule settings that apply to a client: those of the programme of their open case, or
 * the defaults (TZ_DEFAULT) when they have none.
 */
import type { DbClient } from "../store/prisma.ts";
import { type ProgrammeSchedule, parseProgrammeSchedule } from "./programme-schedule.ts";

/** Reads the client's programme settings (their most recent open case). */
export async function scheduleForClient(
  tx: DbClient,
  clientId: string,
  defaultTimeZone: string,
): Promise<ProgrammeSchedule> {
  const found = await tx.case.findFirst({
    where: { clientId, status: { not: "closed" } },
    orderBy: { createdAt: "desc" },
    select: { programme: { select: { timezone: true, settings: true } } },
  });
  const programme = found?.programme;
  return scheduleOf(
    programme ? { timeZone: programme.timezone, settings: programme.settings } : null,
    defaultTimeZone,
  );
}

/** The schedule of a programme already read (null: none, the defaults). */
export function scheduleOf(
  programme: { timeZone: string; settings: unknown } | null,
  defaultTimeZone: string,
): ProgrammeSchedule {
  return parseProgrammeSchedule(
    { timeZone: programme?.timeZone ?? defaultTimeZone, ...((programme?.settings as object) ?? {}) },
    defaultTimeZone,
  );
}
