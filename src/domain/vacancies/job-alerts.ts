/**
 * Job alerts: a short card per matching client, in a language they read, with "I'm interested",
 * "Not for me" and "Tell me more". Interest becomes a task for the counsellor; "not for me" asks
 * why (far, hours, pay, sector), which weighs on later matching. Sending is idempotent: one alert
 * per vacancy and client (JobAlert is unique on both, the outbox key is `job-alert:<id>`).
 * Clients who chose the weekly digest (/alerts) get no card now: their alert waits as
 * `digest_pending` for the next digest (job-digest.ts), where a tap on the job shows this card.
 */

import type { Output } from "../../engine/types.ts";
import type { Vacancy } from "../../generated/prisma/client.ts";
import { renderOutputs } from "../../i18n/render.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { OutboxPort } from "../../outbox/outbox.ts";
import { conversationToWrite } from "../../store/conversation-to-write.ts";
import type { Db, DbClient } from "../../store/prisma.ts";
import { DomainError } from "../errors.ts";
import { createTask } from "../tasks/tasks.ts";
import { slotOffer } from "./company-visits.ts";
import { mayBeAdded } from "./matching.ts";
import { matchVacancy } from "./vacancies.ts";
import { contractOutput, jobTitleOutput } from "./vacancy-lists.ts";

export const JOB_ANSWERS = ["interested", "not_for_me", "more"] as const;
export type JobAnswer = (typeof JOB_ANSWERS)[number];
export const DECLINE_REASONS = ["far", "hours", "pay", "sector"] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** A tap on a job button: an answer to a card, why not, or "show me this job" (from a digest). */
export type JobChoice =
  | { alertId: string; answer: JobAnswer }
  | { alertId: string; reason: DeclineReason }
  | { alertId: string; show: true };

/**
 * Reads `job:<alert id>:<answer>`, `jobwhy:<alert id>:<reason>` or `jobshow:<alert id>`;
 * undefined for other ids.
 */
export function parseJobChoice(choiceId: string | undefined): JobChoice | undefined {
  const answer = /^job:([a-z0-9]+):(interested|not_for_me|more)$/.exec(choiceId ?? "");
  if (answer) return { alertId: answer[1] as string, answer: answer[2] as JobAnswer };
  const why = /^jobwhy:([a-z0-9]+):(far|hours|pay|sector)$/.exec(choiceId ?? "");
  if (why) return { alertId: why[1] as string, reason: why[2] as DeclineReason };
  const show = /^jobshow:([a-z0-9]+)$/.exec(choiceId ?? "");
  return show ? { alertId: show[1] as string, show: true } : undefined;
}

const answerButtons = (alertId: string, answers: readonly JobAnswer[] = JOB_ANSWERS) =>
  answers.map((answer) => ({ id: `job:${alertId}:${answer}`, label: `jobs.${answer}` }));

/** The card a client gets. */
export function jobAlertCard(alertId: string, vacancy: Vacancy, locale: string): Output {
  const texts = vacancy.texts as Record<string, string>;
  return {
    key: vacancy.cvNeeded ? "jobs.alert_cv" : "jobs.alert",
    params: { municipality: vacancy.municipality, text: texts[locale] ?? "" },
    lists: { job: [jobTitleOutput(vacancy)], hours: [{ key: `jobs.hours_${vacancy.hours}` }] },
    choices: answerButtons(alertId),
  };
}

/** "Tell me more": the job, the employer (or that it is told on interest), the contract, the way there. */
export function moreInfoCard(alertId: string, v: Vacancy): Output {
  return {
    key: "jobs.more_info",
    params: { access: v.access ?? v.municipality },
    lists: {
      job: [jobTitleOutput(v)],
      contract: [contractOutput(v)],
      employer: [
        v.employerHidden
          ? { key: "jobs.employer_hidden" }
          : { key: "jobs.employer_name", params: { name: v.employer } },
      ],
    },
    choices: answerButtons(alertId, ["interested", "not_for_me"]),
  };
}

/** What `sendJobAlerts` did, as case ids. */
export interface AlertReport {
  sent: string[];
  /** Included, they chose the weekly digest: the alert waits for the next one (nothing sent now). */
  digest: string[];
  /** Included, but the vacancy has no text in a language they read: add one. */
  noText: string[];
  /** Included, but they already got this vacancy (or it waits for their digest already). */
  notNow: string[];
  excluded: string[];
  /**
   * Asked for with `includeCaseIds` but not possible: no alerts wanted, no legal access to work
   * (yet, or unknown), or not a candidate at all (no consent or no self-assessment).
   */
  cannotAdd: string[];
}

/**
 * Sends the vacancy to its matching clients (all included ones, minus `excludeCaseIds`, plus
 * `includeCaseIds` that matching left out only for fit — never for law or the client's wish): a card
 * at once to those who want every job, a `digest_pending` alert for those who chose the weekly
 * digest. `now` (default: the clock) is recorded as the card's `sentAt`.
 */
export async function sendJobAlerts(
  deps: { db: Db; translator: Translator; outbox: OutboxPort },
  input: {
    vacancyId: string;
    today: string;
    excludeCaseIds?: string[];
    includeCaseIds?: string[];
    now?: Date;
  },
): Promise<AlertReport> {
  const vacancy = await deps.db.vacancy.findUnique({ where: { id: input.vacancyId } });
  if (vacancy?.status !== "open")
    throw new DomainError(`No open vacancy with id ${input.vacancyId}.`, { code: "vacancy_not_open" });
  const ranked = await matchVacancy(deps.db, { vacancyId: vacancy.id, today: input.today });
  const now = input.now ?? new Date();
  const report: AlertReport = { sent: [], digest: [], noText: [], notNow: [], excluded: [], cannotAdd: [] };
  const messageIds: bigint[] = [];
  const asked = new Set(input.includeCaseIds ?? []);
  for (const id of asked) if (!ranked.some((c) => c.caseId === id)) report.cannotAdd.push(id);
  for (const candidate of ranked) {
    const added = asked.has(candidate.caseId) && !candidate.included && mayBeAdded(candidate.exclusions);
    if (asked.has(candidate.caseId) && !candidate.included && !added) report.cannotAdd.push(candidate.caseId);
    if (input.excludeCaseIds?.includes(candidate.caseId) || !(candidate.included || added)) {
      report.excluded.push(candidate.caseId);
      continue;
    }
    if (!candidate.locale) {
      report.noText.push(candidate.caseId);
      continue;
    }
    const outcome = await alertClient(deps, vacancy, {
      clientId: candidate.clientId,
      locale: candidate.locale,
      now,
    });
    report[outcome.report].push(candidate.caseId);
    if (outcome.messageId !== undefined) messageIds.push(outcome.messageId);
  }
  await deps.outbox.dispatch(messageIds);
  return report;
}

/**
 * One included client with a text they read: nothing if they already have this vacancy; a
 * `digest_pending` alert if they chose the weekly digest; else the alert and its card (written to
 * the outbox, dispatched by the caller), with `sentAt` when they have an active conversation.
 */
async function alertClient(
  deps: { db: Db; translator: Translator; outbox: OutboxPort },
  vacancy: Vacancy,
  input: { clientId: string; locale: string; now: Date },
): Promise<{ report: "sent" | "digest" | "notNow" | "excluded"; messageId?: bigint }> {
  const { clientId, locale } = input;
  const client = await deps.db.client.findUnique({
    where: { id: clientId },
    select: { alertFrequency: true },
  });
  const existing = await deps.db.jobAlert.findUnique({
    where: { vacancyId_clientId: { vacancyId: vacancy.id, clientId } },
    select: { id: true },
  });
  if (existing) return { report: "notNow" };
  if (client?.alertFrequency === "weekly") {
    await deps.db.jobAlert.createMany({
      data: [{ vacancyId: vacancy.id, clientId, locale, status: "digest_pending" }],
      skipDuplicates: true,
    });
    return { report: "digest" };
  }
  if (client?.alertFrequency !== "every") return { report: "excluded" }; // "none": matching leaves them out
  return deps.db.$transaction(async (tx) => {
    const target = await conversationToWrite(tx, clientId);
    const conversation = "notSent" in target ? null : target;
    const alert = await tx.jobAlert.create({
      data: { vacancyId: vacancy.id, clientId, locale, ...(conversation ? { sentAt: input.now } : {}) },
    });
    const [card] = renderOutputs([jobAlertCard(alert.id, vacancy, locale)], locale, deps.translator);
    if (!conversation || !card) return { report: "sent" as const };
    const messageId = await deps.outbox.write(tx, {
      conversationId: conversation.id,
      idempotencyKey: `job-alert:${alert.id}`,
      kind: "job_alert",
      messageKey: card.key,
      message: card.message,
    });
    return { report: "sent" as const, messageId };
  });
}

/**
 * A client's answer to an alert, to "why not", or a tap on a job of their digest (which shows its
 * card, while the vacancy is open); returns the reply. Only their own alerts count.
 */
export async function recordJobAnswer(
  tx: DbClient,
  input: { clientId: string | null; now: Date; timeZone: string } & JobChoice,
): Promise<Output[]> {
  const alert = await tx.jobAlert.findUnique({
    where: { id: input.alertId },
    include: {
      vacancy: true,
      client: { select: { cases: { where: { status: { not: "closed" } }, select: { id: true } } } },
    },
  });
  if (!alert || !input.clientId || alert.clientId !== input.clientId) return [{ key: "jobs.unknown" }];
  if ("show" in input) {
    if (alert.vacancy.status !== "open") return [{ key: "jobs.unknown" }];
    return [jobAlertCard(alert.id, alert.vacancy, alert.locale)];
  }
  if ("reason" in input) {
    await tx.jobAlert.update({ where: { id: alert.id }, data: { declineReason: input.reason } });
    return [{ key: "jobs.why_thanks" }];
  }
  const status = input.answer === "more" ? "more_info" : input.answer;
  await tx.jobAlert.update({ where: { id: alert.id }, data: { status, answeredAt: input.now } });
  if (input.answer === "interested") {
    await createTask(tx, {
      kind: "job.interest",
      caseId: alert.client.cases[0]?.id ?? null,
      organisationId: alert.vacancy.organisationId,
      data: { vacancyId: alert.vacancyId, alertId: alert.id },
    });
    // A matchmaking day: the free slots of the company visit, by buttons.
    const offer = await slotOffer(tx, {
      alertId: alert.id,
      vacancyId: alert.vacancyId,
      now: input.now,
      timeZone: input.timeZone,
    });
    return [{ key: "jobs.interested_next" }, ...(offer ? [offer] : [])];
  }
  if (input.answer === "not_for_me") {
    return [
      {
        key: "jobs.why_prompt",
        choices: DECLINE_REASONS.map((reason) => ({
          id: `jobwhy:${alert.id}:${reason}`,
          label: `jobs.why_${reason}`,
        })),
      },
    ];
  }
  return [moreInfoCard(alert.id, alert.vacancy)];
}
