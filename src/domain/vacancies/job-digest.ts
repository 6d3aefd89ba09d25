/**
 * The weekly job digest, for clients who chose "📅 Once a week" (/alerts). `sendJobAlerts` keeps
 * their matches as `digest_pending` alerts; once a week (job-digest-schedule.ts: Mondays 10:00 in
 * TZ_DEFAULT, outside the default quiet hours) each such client gets ONE message: how many jobs,
 * a numbered list (job and municipality) and one button per job (`jobshow:<alert id>`), which
 * shows that job's card with interested / not for me / tell me more.
 *
 * - Idempotent per client and ISO week: the outbox key is `job-digest:<client id>:<2026-W48>`,
 *   written in the transaction that marks the listed alerts `sent` (with `sentAt`); it is
 *   dispatched after the commit. A second run in the same week sends nothing: the alerts are no
 *   longer pending, and jobs matched after this week's digest wait for next week's.
 * - Only open vacancies are listed. Alerts of filled or closed vacancies keep `digest_pending` and
 *   are never sent (they stay as the record that the client matched).
 * - Nothing goes to a client who chose "no job alerts", whose latest conversation is not active
 *   (blocked, /stop) or whose consent no longer stands; their alerts stay pending.
 * - At most DIGEST_MAX_JOBS jobs per message, oldest first; the rest wait for the next digest.
 */

import { DateTime } from "luxon";
import type { OutboundMessage } from "../../channels/types.ts";
import type { JobAlert, Vacancy } from "../../generated/prisma/client.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { OutboxPort } from "../../outbox/outbox.ts";
import { latestConsentSelect } from "../../store/consents.ts";
import {
  BY_LAST_USE,
  CONVERSATIONS_LOOKED_AT,
  pickConversationToWrite,
} from "../../store/conversation-to-write.ts";
import type { Db, DbClient } from "../../store/prisma.ts";
import { jobTitleText } from "./vacancy-lists.ts";

/** Jobs in one digest: one button each, numbered 1️⃣…🔟. */
export const DIGEST_MAX_JOBS = 10;
const NUMBERS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟"] as const;
/** Longer job titles are cut on their button (the list shows them whole). */
const BUTTON_TITLE_CHARS = 32;

/** Why a client with pending jobs got no digest this time. */
export type DigestSkip = "alerts_off" | "not_reachable" | "no_consent" | "already_sent_this_week";

/** What a run did, by client (ids only; case: the client's open case, if any). */
export interface DigestReport {
  /** ISO week of the run, as in the idempotency key (2026-W48). */
  week: string;
  sent: { clientId: string; caseId: string | null; jobs: number }[];
  skipped: { clientId: string; caseId: string | null; reason: DigestSkip }[];
}

export interface JobDigestDeps {
  db: Db;
  translator: Translator;
  outbox: OutboxPort;
}

/** The ISO week of `now` in `timeZone`, e.g. 2026-W48. */
export function isoWeek(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toFormat("kkkk-'W'WW");
}

/**
 * Sends this week's digest to every client with pending jobs of open vacancies. `timeZone` (the
 * programmes' TZ_DEFAULT; default Europe/Brussels) decides which ISO week `now` falls in.
 */
export async function sendJobDigests(
  deps: JobDigestDeps,
  input: { now: Date; timeZone?: string },
): Promise<DigestReport> {
  const week = isoWeek(input.now, input.timeZone ?? "Europe/Brussels");
  const report: DigestReport = { week, sent: [], skipped: [] };
  const pending = await deps.db.jobAlert.findMany({
    where: { status: "digest_pending", vacancy: { status: "open" } },
    distinct: ["clientId"],
    select: { clientId: true },
    orderBy: { clientId: "asc" },
  });
  for (const { clientId } of pending) {
    const outcome = await digestForClient(deps, { clientId, week, now: input.now });
    if ("reason" in outcome)
      report.skipped.push({ clientId, caseId: outcome.caseId, reason: outcome.reason });
    else report.sent.push({ clientId, caseId: outcome.caseId, jobs: outcome.jobs });
  }
  return report;
}

type ClientOutcome = { caseId: string | null } & ({ jobs: number } | { reason: DigestSkip });

/** One client's digest: checks, then message and claimed alerts in one transaction, then dispatch. */
async function digestForClient(
  deps: JobDigestDeps,
  input: { clientId: string; week: string; now: Date },
): Promise<ClientOutcome> {
  const client = await deps.db.client.findUniqueOrThrow({
    where: { id: input.clientId },
    select: {
      alertFrequency: true,
      cases: { where: { status: { not: "closed" } }, orderBy: { createdAt: "desc" }, take: 1 },
      conversations: { orderBy: BY_LAST_USE, take: CONVERSATIONS_LOOKED_AT },
      consents: latestConsentSelect,
    },
  });
  const caseId = client.cases[0]?.id ?? null;
  const conversation = pickConversationToWrite(client.conversations);
  if (client.alertFrequency === "none") return { caseId, reason: "alerts_off" };
  if ("notSent" in conversation) return { caseId, reason: "not_reachable" };
  if (client.consents[0]?.decision !== "accepted") return { caseId, reason: "no_consent" };

  const idempotencyKey = `job-digest:${input.clientId}:${input.week}`;
  const messageId = await deps.db.$transaction(async (tx) => {
    if (await tx.message.findUnique({ where: { idempotencyKey }, select: { id: true } })) return null;
    const alerts = await claimPending(tx, input.clientId, input.now);
    if (!alerts.length) return null;
    const locale = conversation.locale ?? "en";
    const id = await deps.outbox.write(tx, {
      conversationId: conversation.id,
      idempotencyKey,
      kind: "job_alert",
      messageKey: "jobs.digest",
      message: digestMessage(alerts, locale, deps.translator),
    });
    return { id, jobs: alerts.length };
  });
  if (!messageId) return { caseId, reason: "already_sent_this_week" };
  await deps.outbox.dispatch([messageId.id]);
  return { caseId, jobs: messageId.jobs };
}

/**
 * Marks the client's oldest pending alerts of open vacancies `sent` and returns them with their
 * vacancy. Only rows this transaction moved from pending are returned, so two runs at once never
 * list a job twice.
 */
async function claimPending(
  tx: DbClient,
  clientId: string,
  now: Date,
): Promise<(JobAlert & { vacancy: Vacancy })[]> {
  const candidates = await tx.jobAlert.findMany({
    where: { clientId, status: "digest_pending", vacancy: { status: "open" } },
    include: { vacancy: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: DIGEST_MAX_JOBS,
  });
  const claimed = await tx.jobAlert.updateManyAndReturn({
    where: { id: { in: candidates.map((a) => a.id) }, status: "digest_pending" },
    data: { status: "sent", sentAt: now },
    select: { id: true },
  });
  const ids = new Set(claimed.map((a) => a.id));
  return candidates.filter((a) => ids.has(a.id));
}

/**
 * The digest in the client's language: "💼 3 new jobs for you this week:", one numbered line per
 * job, how to see one and how to change the frequency; one button per job, numbered as listed.
 */
export function digestMessage(
  alerts: readonly (Pick<JobAlert, "id"> & { vacancy: Pick<Vacancy, "jobCode" | "job" | "municipality"> })[],
  locale: string,
  translator: Translator,
): OutboundMessage {
  const shown = alerts.slice(0, DIGEST_MAX_JOBS);
  const lines = shown.map((alert, index) =>
    translator.t("jobs.digest_item", locale, {
      number: NUMBERS[index] as string,
      job: jobTitleText(alert.vacancy, locale, translator),
      municipality: alert.vacancy.municipality,
    }),
  );
  const text = [
    translator.t("jobs.digest", locale, { count: shown.length }),
    ...lines,
    "",
    translator.t("jobs.digest_footer", locale),
  ].join("\n");
  return {
    text,
    locale,
    direction: translator.dir(locale),
    choices: shown.map((alert, index) => ({
      id: `jobshow:${alert.id}`,
      label: `${NUMBERS[index]} ${cut(jobTitleText(alert.vacancy, locale, translator), BUTTON_TITLE_CHARS)}`,
    })),
  };
}

const cut = (text: string, max: number) => {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
};
