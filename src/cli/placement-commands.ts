/**
 * `placement record | end`: a client started work, or stopped. Recording plans the retention
 * check-ins (CheckIn rows and their nudges) and moves the case to "working"; ending cancels the
 * check-ins still to come. Times are shown in the case programme's zone.
 */
import { calendarDay, placementJson } from "../domain/placements/placement-json.ts";
import { endPlacement, type PlacementDeps, recordPlacement } from "../domain/placements/placements.ts";
import type { Placement } from "../generated/prisma/client.ts";
import { caseTimeZone } from "./case-time-zone.ts";
import { clientReach } from "./client-reach.ts";
import type { CliCommand, CommandContext } from "./commands.ts";
import { calendarDate, need } from "./option-values.ts";
import { formatDateTime, formatFields, formatTable } from "./text-output.ts";

async function placementDeps({ db, config, scheduling }: CommandContext): Promise<PlacementDeps> {
  const { queue } = await scheduling();
  return { db, queue, defaultTimeZone: config.TZ_DEFAULT };
}

/** A @db.Date column as YYYY-MM-DD. */
const day = calendarDay;

const recordCommand: CliCommand = {
  words: ["placement", "record"],
  summary: "Record that a client started work: plans the check-ins; the case is working.",
  options: [
    { name: "case", type: "string", value: "<case id>", required: true, description: "the case's id" },
    { name: "employer", type: "string", value: "<name>", required: true, description: "the employer" },
    { name: "job", type: "string", value: "<title>", required: true, description: "the job title" },
    {
      name: "start",
      type: "string",
      value: "YYYY-MM-DD",
      required: true,
      description: "the first working day",
    },
    {
      name: "contract",
      type: "string",
      value: "<type>",
      required: true,
      description: "the contract, e.g. permanent, fixed-term, interim, art. 60",
    },
  ],
  async run(values, context) {
    const { db, config } = context;
    const placement = await recordPlacement(await placementDeps(context), {
      caseId: need(values, "case"),
      employer: need(values, "employer"),
      job: need(values, "job"),
      startDate: calendarDate(need(values, "start"), "start"),
      contractType: need(values, "contract"),
    });
    const zone = await caseTimeZone(db, placement.caseId, config.TZ_DEFAULT);
    const checkIns = await db.checkIn.findMany({
      where: { placementId: placement.id },
      orderBy: { dueAt: "asc" },
    });
    const nudges = await db.nudge.findMany({
      where: { subjectId: { in: checkIns.map((c) => c.id) }, status: "pending" },
    });
    const planned = checkIns.map((c) => {
      const nudge = nudges.find((n) => n.subjectId === c.id);
      return {
        point: c.point,
        dueAt: c.dueAt.toISOString(),
        localDueAt: formatDateTime(c.dueAt, zone),
        jobId: nudge?.jobId ?? null,
      };
    });
    const caseStatus = (await db.case.findUniqueOrThrow({ where: { id: placement.caseId } })).status;
    const reach = await clientReach(db, placement.caseId);
    const fields = formatFields("Placement recorded", [
      ...placementFields(placement),
      ["Case status", caseStatus],
      ["Client", reach.reachable ? "reachable by the bot" : `not reachable by the bot (${reach.reason})`],
    ]);
    const table = formatTable(
      ["POINT", `DUE (${zone})`, "JOB ID"],
      planned.map((c) => [c.point, c.localDueAt, c.jobId ?? "- (already past: not sent)"]),
    );
    return {
      json: {
        placement: placementJson(placement),
        caseStatus,
        timeZone: zone,
        checkIns: planned,
        clientReachable: reach.reachable,
      },
      text: `${fields}\n\nCheck-ins planned\n${table}`,
    };
  },
};

const endCommand: CliCommand = {
  words: ["placement", "end"],
  summary: "Record that a placement ended: the check-ins to come are cancelled.",
  argument: { name: "placement-id", value: "<placement id>", description: "the placement's id" },
  options: [
    {
      name: "on",
      type: "string",
      value: "YYYY-MM-DD",
      required: true,
      description: "the day it ended",
    },
  ],
  async run(values, context) {
    const { db } = context;
    const placementId = need(values, "placement-id");
    const endedOn = calendarDate(need(values, "on"), "on");
    const checkIns = await db.checkIn.findMany({ where: { placementId } });
    const pending = await db.nudge.findMany({
      where: { subjectId: { in: checkIns.map((c) => c.id) }, status: "pending" },
      select: { jobId: true },
    });
    const placement = await endPlacement(await placementDeps(context), { placementId, endedOn });
    const cancelled = await db.nudge.findMany({
      where: { jobId: { in: pending.map((n) => n.jobId) }, status: "cancelled" },
      orderBy: { dueAt: "asc" },
    });
    const points = cancelled.map((n) => checkIns.find((c) => c.id === n.subjectId)?.point ?? n.subjectId);
    return {
      json: { placement: placementJson(placement), cancelledCheckIns: points },
      text: formatFields("Placement ended", [
        ...placementFields(placement),
        ["Ended on", placement.endedOn ? day(placement.endedOn) : endedOn],
        ["Check-ins cancelled", points.length ? points.join(", ") : "none"],
      ]),
    };
  },
};

export const placementCommands: readonly CliCommand[] = [recordCommand, endCommand];

function placementFields(p: Placement): [string, string][] {
  return [
    ["Id", p.id],
    ["Case", p.caseId],
    ["Employer", p.employer],
    ["Job", p.job],
    ["Contract", p.contractType],
    ["Start", day(p.startDate)],
    ["Status", p.status],
  ];
}
