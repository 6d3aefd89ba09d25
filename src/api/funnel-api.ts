/**
 * `GET /api/v1/funnel?programme=<slug>&from=YYYY-MM-DD&to=YYYY-MM-DD` (no dates: all time; no
 * programme: every programme of the organisation) with exact numbers, and `GET /api/v1/funnel.csv`
 * (same query) with small numbers protected — what may leave the organisation; `rows=cases` gives
 * the anonymised case rows instead of the figures. The coordinator's: another role gets 403.
 */
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { funnelCaseRowsCsv, funnelFiguresCsv } from "../domain/funnel/funnel-csv.ts";
import {
  funnelQuery,
  funnelQueryFields,
  type LoadedFunnel,
  loadFunnel,
  periodInOrder,
} from "../domain/funnel/funnel-store.ts";
import { FUNNEL_STEPS } from "../domain/funnel/funnel-types.ts";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import { requireRole } from "../domain/staff/staff-identity.ts";
import type { ApiModule } from "./api-route.ts";

const step = z.enum(FUNNEL_STEPS);
const count = z.number().int().nullable();
const funnelResponse = z.object({
  programme: z.string().nullable(),
  today: z.string(),
  filters: z.record(z.string(), z.string()),
  steps: z.array(
    z.object({
      step,
      count,
      eligible: count,
      conversion: z.number().nullable(),
      medianDays: z.number().nullable(),
      medianOf: z.number().int(),
    }),
  ),
  dropOuts: z.array(z.object({ step, count })),
  results: z.object({
    leavers: z.number().int(),
    inEmploymentOrTraining4Weeks: z.object({ due: z.number().int(), count: z.number().int() }),
    inEmployment6Months: z.object({ due: z.number().int(), count: z.number().int() }),
    notComputed: z.array(z.string()),
  }),
  trend: z.array(
    z.object({ month: z.string(), reached: count, consented: z.number().int(), placed: z.number().int() }),
  ),
});

const csvQuery = funnelQueryFields
  .extend({ rows: z.enum(["figures", "cases"]).optional() })
  .refine(...periodInOrder);

async function coordinatorsFunnel(
  staff: StaffIdentity,
  request: FastifyRequest,
  query: z.output<typeof funnelQuery>,
): Promise<LoadedFunnel> {
  requireRole(staff, "coordinator");
  const { db, config } = request.server.consoleContext;
  return loadFunnel(db, { organisationId: staff.organisationId, query, defaultTimeZone: config.TZ_DEFAULT });
}

export const funnelApi: ApiModule = (router) => {
  router.route({
    method: "GET",
    url: "/funnel",
    summary:
      "The programme's funnel with exact numbers (coordinators): steps, conversions, median days, drop-outs, ESF-style results, monthly trend.",
    tags: ["funnel"],
    query: funnelQuery,
    response: funnelResponse,
    async handler({ staff, query, request }) {
      const loaded = await coordinatorsFunnel(staff, request, query);
      return { programme: loaded.programme?.slug ?? null, ...loaded.report };
    },
  });
  router.route({
    method: "GET",
    url: "/funnel.csv",
    summary:
      "The funnel as CSV for outside the organisation: figures of 1–4 and any figure derived from them show as '< 5' (the organisation's threshold); rows=cases: anonymised case rows.",
    tags: ["funnel"],
    query: csvQuery,
    async handler({ staff, query, request, reply }) {
      const { rows, ...funnel } = query;
      const loaded = await coordinatorsFunnel(staff, request, funnel);
      const { report } = loaded;
      const name = loaded.programme?.slug ?? "organisation";
      const csv =
        rows === "cases"
          ? funnelCaseRowsCsv(loaded.cases, report.filters, report.today)
          : funnelFiguresCsv(name, report, loaded.smallNumberThreshold);
      // The router sends what the handler returns; a reply returned from an async handler would be
      // awaited as a thenable, so the CSV is returned as text with its headers set here.
      reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="funnel-${name}-${rows ?? "figures"}.csv"`);
      return csv;
    },
  });
};
