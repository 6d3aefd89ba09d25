/**
 * Placements: a client started work. Recording one plans its retention check-ins (CheckIn rows
 * and their nudges, `checkin:<placementId>:<point>`) and moves the case to "working"; ending one
 * cancels the check-ins still to come.
 */
import type { Queue } from "bullmq";
import { DateTime } from "luxon";
import { z } from "zod";
import type { Placement } from "../../generated/prisma/client.ts";
import type { NudgeJobData } from "../../scheduling/nudge-queue.ts";
import { cancelNudges, planNudges, syncTimers } from "../../scheduling/nudge-store.ts";
import { parseProgrammeSchedule } from "../../scheduling/programme-schedule.ts";
import { checkInTimes } from "../../scheduling/schedule.ts";
import { BY_LAST_USE } from "../../store/conversation-to-write.ts";
import type { Db } from "../../store/prisma.ts";
import { DomainError, parseInput } from "../errors.ts";
import { type PlacementFacts, stillWorkingAfter } from "./still-working.ts";

export interface PlacementDeps {
  db: Db;
  queue: Queue<NudgeJobData>;
  defaultTimeZone: string;
  now?: () => Date;
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((v) => DateTime.fromISO(v, { zone: "utc" }).isValid, "is not a calendar date");
const placementInput = z.object({
  caseId: z.string().min(1, "is required"),
  employer: z.string().trim().min(1, "is required").max(120),
  job: z.string().trim().min(1, "is required").max(120),
  startDate: isoDate,
  contractType: z.string().trim().min(1, "is required").max(60),
});

/** Records a placement, plans its check-ins, and marks the case as working. */
export async function recordPlacement(
  deps: PlacementDeps,
  input: z.input<typeof placementInput>,
): Promise<Placement> {
  const data = parseInput(placementInput, input);
  const found = await deps.db.case.findUnique({
    where: { id: data.caseId },
    select: { status: true, clientId: true, programme: { select: { timezone: true, settings: true } } },
  });
  if (!found) throw new DomainError(`No case with id ${data.caseId}.`);
  if (found.status === "closed")
    throw new DomainError(`Case ${data.caseId} is closed.`, { code: "case_closed" });
  const schedule = parseProgrammeSchedule(
    {
      timeZone: found.programme?.timezone ?? deps.defaultTimeZone,
      ...((found.programme?.settings as object) ?? {}),
    },
    deps.defaultTimeZone,
  );
  const now = deps.now?.() ?? new Date();
  let jobIds: string[] = [];
  const placement = await deps.db.$transaction(async (tx) => {
    const created = await tx.placement.create({
      data: { ...data, startDate: new Date(`${data.startDate}T00:00:00Z`) },
    });
    const conversation = found.clientId
      ? await tx.conversation.findFirst({
          where: { clientId: found.clientId },
          orderBy: BY_LAST_USE,
          select: { id: true },
        })
      : null;
    const plans = [];
    for (const point of checkInTimes(data.startDate, schedule, now)) {
      const checkIn = await tx.checkIn.create({
        data: { placementId: created.id, point: point.point, dueAt: point.dueAt },
      });
      if (point.dueAt.getTime() < now.getTime()) continue; // a placement recorded late: past points are not sent
      plans.push({
        jobId: `checkin:${created.id}:${point.point}`,
        kind: "checkin" as const,
        conversationId: conversation?.id ?? null,
        caseId: data.caseId,
        subjectId: checkIn.id,
        dueAt: point.dueAt,
      });
    }
    jobIds = await planNudges(tx, [], plans);
    await tx.case.update({ where: { id: data.caseId }, data: { status: "working" } });
    return created;
  });
  await syncTimers(deps.db, deps.queue, jobIds, now);
  return placement;
}

/** Ends a placement (the client left or the contract ended); its check-ins still to come are cancelled. */
export async function endPlacement(
  deps: PlacementDeps,
  input: { placementId: string; endedOn: string },
): Promise<Placement> {
  const { endedOn } = parseInput(z.object({ endedOn: isoDate }), { endedOn: input.endedOn });
  const placement = await deps.db.placement.findUnique({
    where: { id: input.placementId },
    include: { checkIns: true },
  });
  if (!placement || placement.status === "ended")
    throw new DomainError(`No active placement with id ${input.placementId}.`, {
      code: "placement_not_active",
    });
  let jobIds: string[] = [];
  const ended = await deps.db.$transaction(async (tx) => {
    jobIds = await cancelNudges(
      tx,
      { subjectId: { in: placement.checkIns.map((c) => c.id) } },
      "placement ended",
    );
    return tx.placement.update({
      where: { id: placement.id },
      data: { status: "ended", endedOn: new Date(`${endedOn}T00:00:00Z`) },
    });
  });
  await syncTimers(deps.db, deps.queue, jobIds, deps.now?.());
  return ended;
}

/** Retention of one programme at 1, 3 and 6 months: of the placements that started long enough ago, how many still work. */
export async function retention(
  db: Db,
  input: { programmeSlug: string; today: string },
): Promise<{ months: number; started: number; stillWorking: number; rate: number | null }[]> {
  const programme = await db.programme.findUnique({
    where: { slug: input.programmeSlug },
    select: { id: true },
  });
  if (!programme) throw new DomainError(`No programme "${input.programmeSlug}".`);
  const placements = await db.placement.findMany({
    where: { case: { programmeId: programme.id } },
    include: { checkIns: { select: { point: true, stillWorking: true } } },
  });
  return [1, 3, 6].map((months) => {
    const answers = placements.map((p) => stillWorkingAfter(placementFacts(p), months, input.today));
    const started = answers.filter((a) => a !== null).length;
    const stillWorking = answers.filter((a) => a === true).length;
    return { months, started, stillWorking, rate: started ? stillWorking / started : null };
  });
}

/** A placement row with its check-ins, as the retention rule reads it. */
export function placementFacts(placement: {
  startDate: Date;
  endedOn: Date | null;
  checkIns: { point: string; stillWorking: boolean | null }[];
}): PlacementFacts {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    startDate: day(placement.startDate),
    endedOn: placement.endedOn ? day(placement.endedOn) : null,
    stillWorking: Object.fromEntries(placement.checkIns.map((c) => [c.point, c.stillWorking])),
  };
}
