/**
 * Reading a programme's funnel from the store: its cases (linked ones: a client consented), their
 * step days (CaseStep), first placement and check-in answers, and the reach counts, turned into
 * the pure computation's input in the programme's time zone. Scoped to one organisation: a
 * programme of another is "not found", as if it did not exist; no programme: all of the
 * organisation's together.
 */
import { DateTime } from "luxon";
import { z } from "zod";
import type { DbClient } from "../../store/prisma.ts";
import { DomainError, NotFoundError, parseInput } from "../errors.ts";
import { emailField, slugField } from "../organisations/fields.ts";
import { placementFacts } from "../placements/placements.ts";
import { computeFunnel } from "./funnel.ts";
import type { FunnelCase, FunnelFilters, FunnelReport, ReachDay } from "./funnel-types.ts";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((v) => DateTime.fromISO(v, { zone: "utc" }).isValid, "is not a calendar date");

/** What a coordinator may ask: a programme, a period, and filters by counsellor, language, place. */
export const funnelQueryFields = z.object({
  /** Without it: every programme of the organisation together. */
  programme: slugField.optional(),
  from: day.optional(),
  to: day.optional(),
  counsellor: emailField.optional(),
  language: z.string().trim().min(2).max(8).optional(),
  place: z.string().trim().min(1).max(120).optional(),
});

/** A period must not end before it starts. */
export const periodInOrder: [
  (q: { from?: string | undefined; to?: string | undefined }) => boolean,
  { message: string; path: string[] },
] = [(q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] }];

export const funnelQuery = funnelQueryFields.refine(...periodInOrder);
export type FunnelQuery = z.input<typeof funnelQuery>;

/** A loaded funnel: the report, the people behind it (for the anonymised rows) and the export threshold. */
export interface LoadedFunnel {
  /** Null: every programme of the organisation. */
  programme: { slug: string; name: string } | null;
  report: FunnelReport;
  cases: FunnelCase[];
  smallNumberThreshold: number;
}

/**
 * Loads and computes the funnel of `query.programme` (or of every programme of the organisation),
 * which must belong to `organisationId`: another organisation's is a NotFoundError.
 */
export async function loadFunnel(
  db: DbClient,
  input: { organisationId: string; query: FunnelQuery; now?: Date; defaultTimeZone?: string },
): Promise<LoadedFunnel> {
  const query = parseInput(funnelQuery, input.query);
  const organisation = await db.organisation.findUniqueOrThrow({ where: { id: input.organisationId } });
  const programmes = await db.programme.findMany({
    where: { organisationId: input.organisationId, ...(query.programme ? { slug: query.programme } : {}) },
    orderBy: { createdAt: "asc" },
    select: { id: true, slug: true, name: true, timezone: true },
  });
  if (query.programme && !programmes.length)
    throw new NotFoundError(`No programme "${query.programme}" in this organisation.`);
  const filters: FunnelFilters = {
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.language ? { locale: query.language } : {}),
    ...(query.place ? { place: query.place } : {}),
  };
  if (query.counsellor) {
    const counsellor = await db.counsellor.findFirst({
      where: { email: query.counsellor, organisationId: input.organisationId },
      select: { id: true },
    });
    if (!counsellor) throw new DomainError(`No counsellor ${query.counsellor} in this organisation.`);
    filters.counsellorId = counsellor.id;
  }
  const zone = programmes[0]?.timezone ?? input.defaultTimeZone ?? "Europe/Brussels";
  const today = DateTime.fromJSDate(input.now ?? new Date(), { zone }).toISODate() as string;
  const ids = programmes.map((p) => p.id);
  const cases = await loadCases(db, ids, zone);
  const reach = await loadReach(db, ids);
  const one = query.programme ? programmes[0] : undefined;
  return {
    programme: one ? { slug: one.slug, name: one.name } : null,
    report: computeFunnel({ cases, reach, filters, today }),
    cases,
    smallNumberThreshold: organisation.smallNumberThreshold,
  };
}

async function loadCases(db: DbClient, programmeIds: string[], zone: string): Promise<FunnelCase[]> {
  const rows = await db.case.findMany({
    where: { programmeId: { in: programmeIds }, linkedAt: { not: null } },
    select: {
      counsellorId: true,
      place: true,
      status: true,
      linkedAt: true,
      client: { select: { locale: true } },
      steps: { select: { step: true, at: true } },
      placements: {
        orderBy: [{ startDate: "asc" }, { createdAt: "asc" }],
        take: 1,
        select: { startDate: true, endedOn: true, checkIns: { select: { point: true, stillWorking: true } } },
      },
    },
  });
  const local = (at: Date) => DateTime.fromJSDate(at, { zone }).toISODate() as string;
  return rows.map((row) => {
    const steps = Object.fromEntries(row.steps.map((s) => [s.step, local(s.at)]));
    const placement = row.placements[0];
    return {
      counsellorId: row.counsellorId,
      locale: row.client?.locale ?? null,
      place: row.place,
      consented: local(row.linkedAt as Date),
      ...pick(steps, ["assessed", "preparation", "training", "working", "closed"]),
      isClosed: row.status === "closed",
      placement: placement ? placementFacts(placement) : null,
    };
  });
}

function pick(days: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => days[name]).map((name) => [name, days[name] as string]));
}

async function loadReach(db: DbClient, programmeIds: string[]): Promise<ReachDay[]> {
  const rows = await db.programmeReach.findMany({
    where: { programmeId: { in: programmeIds } },
    orderBy: { day: "asc" },
  });
  return rows.map((r) => ({ day: r.day.toISOString().slice(0, 10), count: r.count }));
}
