/**
 * The time zone a case's times are read and shown in: its programme's schedule zone, as the
 * scheduling domain reads it (the programme's settings, then its timezone, then TZ_DEFAULT).
 */
import { parseProgrammeSchedule } from "../scheduling/programme-schedule.ts";
import type { Db } from "../store/prisma.ts";

type ProgrammeZoneFields = { timezone: string; settings: unknown } | null | undefined;

/** The zone of a programme's schedule (TZ_DEFAULT for none). */
export function programmeTimeZone(programme: ProgrammeZoneFields, defaultTimeZone: string): string {
  const settings = {
    timeZone: programme?.timezone ?? defaultTimeZone,
    ...((programme?.settings as object | null) ?? {}),
  };
  return parseProgrammeSchedule(settings, defaultTimeZone).timeZone;
}

/** The zone of the case's programme (TZ_DEFAULT when the case has none or does not exist). */
export async function caseTimeZone(db: Db, caseId: string, defaultTimeZone: string): Promise<string> {
  const found = await db.case.findUnique({
    where: { id: caseId },
    select: { programme: { select: { timezone: true, settings: true } } },
  });
  return programmeTimeZone(found?.programme, defaultTimeZone);
}
