/**
 * The match list's send button: the ticked people get the vacancy (job alerts through the outbox,
 * never twice), the unticked included ones do not, ticked people left out for fit are added.
 * Returns what happened, in the counsellor's language, for the page's notice.
 */
import type { FastifyRequest } from "fastify";
import { sendJobAlerts } from "../domain/vacancies/job-alerts.ts";
import { vacancyForStaff } from "../domain/vacancies/vacancy-access.ts";
import { selectionFor, todayIn, vacancyCandidates } from "../domain/vacancies/vacancy-candidates.ts";
import { consoleText } from "./console-context.ts";
import { staffOf } from "./require-staff.ts";
import type { FormBody } from "./vacancy-form.ts";

/** Sends to the ticked cases (`send` fields of the form); the notice to show. */
export async function sendFromPage(
  request: FastifyRequest,
  vacancyId: string,
  body: FormBody,
): Promise<string> {
  const staff = staffOf(request);
  const { db, translator, outbox, config } = request.server.consoleContext;
  const vacancy = await vacancyForStaff(db, staff, vacancyId);
  const rows = await vacancyCandidates(db, vacancy, { timeZone: config.TZ_DEFAULT });
  const value = body.send;
  const ticked = new Set(Array.isArray(value) ? value : value ? [value] : []);
  const report = await sendJobAlerts(
    { db, translator, outbox },
    { vacancyId: vacancy.id, today: todayIn(config.TZ_DEFAULT), ...selectionFor(rows, ticked) },
  );
  return consoleText(translator, staff.locale, "match_sent", {
    sent: report.sent.length,
    digest: report.digest.length,
    noText: report.noText.length,
  });
}
