/**
 * Job alerts: a short card per matching client, in a language they read, with "I'm interested",
 * "Not for me" and "Tell me more". Interest becomes a task for the counsellor; "not for me" asks
 * why (far, hours, pay, sector), which weighs on later matching. Sending is idempotent: one alert
 * per vacancy and client (JobAlert is unique on both, the outbox key is `job-alert:<id>`).
 */
import { renderOutputs } from "../../conversation/render.ts";
import type { Output } from "../../engine/types.ts";
import type { Vacancy } from "../../generated/prisma/client.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { OutboxPort } from "../../scheduling/nudge-worker.ts";
import type { Db, Prisma } from "../../store/prisma.ts";
import { DomainError } from "../errors.ts";
import { matchVacancy } from "./vacancies.ts";

export const JOB_ANSWERS = ["interested", "not_for_me", "more"] as const;
export type JobAnswer = (typeof JOB_ANSWERS)[number];
export const DECLINE_REASONS = ["far", "hours", "pay", "sector"] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** Reads `job:<alert id>:<answer>` or `jobwhy:<alert id>:<reason>`; undefined for other ids. */
export function parseJobChoice(
  choiceId: string | undefined,
): { alertId: string; answer: JobAnswer } | { alertId: string; reason: DeclineReason } | undefined {
  const answer = /^job:([a-z0-9]+):(interested|not_for_me|more)$/.exec(choiceId ?? "");
  if (answer) return { alertId: answer[1] as string, answer: answer[2] as JobAnswer };
  const why = /^jobwhy:([a-z0-9]+):(far|hours|pay|sector)$/.exec(choiceId ?? "");
  return why ? { alertId: why[1] as string, reason: why[2] as DeclineReason } : undefined;
}

const answerButtons = (alertId: string, answers: readonly JobAnswer[] = JOB_ANSWERS) =>
  answers.map((answer) => ({ id: `job:${alertId}:${answer}`, label: `jobs.${answer}` }));

/** The card a client gets. */
export function jobAlertCard(alertId: string, vacancy: Vacancy, locale: string): Output {
  const texts = vacancy.texts as Record<string, string>;
  return {
    key: vacancy.cvNeeded ? "jobs.alert_cv" : "jobs.alert",
    params: { job: vacancy.job, municipality: vacancy.municipality, text: texts[locale] ?? "" },
    lists: { hours: [{ key: `jobs.hours_${vacancy.hours}` }] },
    choices: answerButtons(alertId),
  };
}

export interface AlertReport {
  sent: string[];
  /** Included, but the vacancy has no text in a language they read: add one. */
  noText: string[];
  /** Included, but they chose a weekly digest or already got this vacancy. */
  notNow: string[];
  excluded: string[];
}

/** Sends the vacancy to its matching clients (all included ones, minus `excludeCaseIds`). */
export async function sendJobAlerts(
  deps: { db: Db; translator: Translator; outbox: OutboxPort },
  input: { vacancyId: string; today: string; excludeCaseIds?: string[] },
): Promise<AlertReport> {
  const vacancy = await deps.db.vacancy.findUnique({ where: { id: input.vacancyId } });
  if (!vacancy || vacancy.status !== "open")
    throw new DomainError(`No open vacancy with id ${input.vacancyId}.`);
  const ranked = await matchVacancy(deps.db, { vacancyId: vacancy.id, today: input.today });
  const report: AlertReport = { sent: [], noText: [], notNow: [], excluded: [] };
  const messageIds: bigint[] = [];
  for (const candidate of ranked) {
    if (input.excludeCaseIds?.includes(candidate.caseId) || !candidate.included) {
      report.excluded.push(candidate.caseId);
      continue;
    }
    if (!candidate.locale) {
      report.noText.push(candidate.caseId);
      continue;
    }
    const client = await deps.db.client.findUnique({
      where: { id: candidate.clientId },
      select: { alertFrequency: true },
    });
    const existing = await deps.db.jobAlert.findUnique({
      where: { vacancyId_clientId: { vacancyId: vacancy.id, clientId: candidate.clientId } },
    });
    if (client?.alertFrequency !== "every" || existing) {
      report.notNow.push(candidate.caseId);
      continue;
    }
    const locale = candidate.locale;
    await deps.db.$transaction(async (tx) => {
      const alert = await tx.jobAlert.create({
        data: { vacancyId: vacancy.id, clientId: candidate.clientId, locale },
      });
      const conversation = await tx.conversation.findFirst({
        where: { clientId: candidate.clientId, status: "active" },
        orderBy: { createdAt: "desc" },
        select: { id: true },
      });
      if (!conversation) return;
      const [card] = renderOutputs([jobAlertCard(alert.id, vacancy, locale)], locale, deps.translator);
      if (!card) return;
      messageIds.push(
        await deps.outbox.write(tx, {
          conversationId: conversation.id,
          idempotencyKey: `job-alert:${alert.id}`,
          messageKey: card.key,
          message: card.message,
        }),
      );
    });
    report.sent.push(candidate.caseId);
  }
  await deps.outbox.dispatch(messageIds);
  return report;
}

/** A client's answer to an alert or to "why not"; returns the reply. Only their own alerts count. */
export async function recordJobAnswer(
  tx: Prisma.TransactionClient,
  input: { clientId: string | null; alertId: string; now: Date } & (
    | { answer: JobAnswer }
    | { reason: DeclineReason }
  ),
): Promise<Output[]> {
  const alert = await tx.jobAlert.findUnique({
    where: { id: input.alertId },
    include: {
      vacancy: true,
      client: { select: { cases: { where: { status: { not: "closed" } }, select: { id: true } } } },
    },
  });
  if (!alert || !input.clientId || alert.clientId !== input.clientId) return [{ key: "jobs.unknown" }];
  if ("reason" in input) {
    await tx.jobAlert.update({ where: { id: alert.id }, data: { declineReason: input.reason } });
    return [{ key: "jobs.why_thanks" }];
  }
  const status = input.answer === "more" ? "more_info" : input.answer;
  await tx.jobAlert.update({ where: { id: alert.id }, data: { status, answeredAt: input.now } });
  if (input.answer === "interested") {
    await tx.counsellorTask.create({
      data: {
        caseId: alert.client.cases[0]?.id ?? null,
        organisationId: alert.vacancy.organisationId,
        kind: "job.interest",
        data: { vacancyId: alert.vacancyId, alertId: alert.id },
      },
    });
    return [{ key: "jobs.interested_next" }];
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
  const v = alert.vacancy;
  return [
    {
      key: "jobs.more_info",
      params: { job: v.job, contract: v.contractType, access: v.access ?? v.municipality },
      lists: {
        employer: [
          v.employerHidden
            ? { key: "jobs.employer_hidden" }
            : { key: "jobs.employer_name", params: { name: v.employer } },
        ],
      },
      choices: answerButtons(alert.id, ["interested", "not_for_me"]),
    },
  ];
}
