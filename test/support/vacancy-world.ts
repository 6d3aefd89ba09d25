/**
 * An organisation with clients who did the self-assessment, each on a web chat conversation in
 * their language, with a case of the programme — the people a vacancy's match list ranks.
 */
import { computeReadiness } from "../../src/domain/assessment/readiness.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import type { Answer } from "../../src/engine/types.ts";
import type { Db } from "../../src/store/prisma.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { uid } from "./db.ts";

export interface WorldClient {
  name?: string;
  locale: string;
  answers: Record<string, Answer>;
  alerts?: "every" | "weekly" | "none";
  consent?: "accepted" | "declined";
  legalAccessDate?: string;
}

/**
 * A client on a web chat conversation in `locale`, with a consent decision (accepted unless told),
 * linked to the case (in `preparation` unless told): what every vacancy test needs before matching.
 */
export async function webchatClientOfCase(
  db: Db,
  caseId: string,
  options: {
    locale: string;
    name?: string;
    alerts?: "every" | "weekly" | "none";
    consent?: "accepted" | "declined";
    conversationStatus?: "active" | "blocked";
    caseStatus?: "preparation";
  },
): Promise<{ clientId: string; conversationId: string }> {
  const client = await db.client.create({
    data: {
      locale: options.locale,
      displayName: options.name ?? null,
      alertFrequency: options.alerts ?? "every",
    },
  });
  const conversation = await db.conversation.create({
    data: {
      channel: "webchat",
      externalConversationId: uid(),
      externalUserId: uid(),
      clientId: client.id,
      locale: options.locale,
      ...(options.conversationStatus ? { status: options.conversationStatus } : {}),
    },
  });
  await db.consent.create({
    data: {
      conversationId: conversation.id,
      clientId: client.id,
      noticeVersion: "test",
      decision: options.consent ?? "accepted",
      channel: "webchat",
    },
  });
  await db.case.update({
    where: { id: caseId },
    data: { clientId: client.id, ...(options.caseStatus ? { status: options.caseStatus } : {}) },
  });
  return { clientId: client.id, conversationId: conversation.id };
}

/** The self-assessment a vacancy matches against, stored as the flow stores it. */
export async function assessmentOf(
  db: Db,
  person: { clientId: string; caseId: string },
  answers: Record<string, Answer>,
  legalAccessDate?: string,
): Promise<void> {
  await db.assessment.create({
    data: {
      clientId: person.clientId,
      caseId: person.caseId,
      flowId: "self_assessment",
      flowVersion: 1,
      answers: answers as object,
      readiness: computeReadiness(answers, null, "2026-11-23") as object,
      ...(legalAccessDate ? { legalAccessDate: new Date(`${legalAccessDate}T00:00:00Z`) } : {}),
    },
  });
}

/** Creates the clients; returns the organisation and, per client, its ids in the order given. */
export async function vacancyWorld(db: Db, clients: WorldClient[]) {
  const { organisation, programme, counsellor } = await organisationWithCounsellor(db);
  const people: { clientId: string; caseId: string; conversationId: string }[] = [];
  for (const c of clients) {
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    const { clientId, conversationId } = await webchatClientOfCase(db, created.id, {
      locale: c.locale,
      ...(c.name ? { name: c.name } : {}),
      ...(c.alerts ? { alerts: c.alerts } : {}),
      ...(c.consent ? { consent: c.consent } : {}),
      caseStatus: "preparation",
    });
    await assessmentOf(db, { clientId, caseId: created.id }, c.answers, c.legalAccessDate);
    people.push({ clientId, caseId: created.id, conversationId });
  }
  return { organisation, programme, counsellor, people };
}

/** Self-assessment answers of someone who wants cleaning work, with overrides. */
export const cleaner = (extra: Record<string, Answer> = {}): Record<string, Answer> => ({
  residence: "eu_citizen",
  interests: ["cleaning"],
  experience: ["cleaning"],
  hours: "part_time",
  shifts: ["day"],
  weekends: true,
  dutch_level: "good",
  languages: ["romanian"],
  transport: ["public_transport"],
  start_when: "now",
  ...extra,
});

/** Self-assessment answers of someone who wants kitchen work (full time, a little Dutch), with overrides. */
export const cook = (extra: Record<string, Answer> = {}): Record<string, Answer> => ({
  residence: "eu_citizen",
  interests: ["kitchen_pastry"],
  experience: ["kitchen"],
  hours: "full_time",
  shifts: ["day"],
  weekends: true,
  dutch_level: "basic",
  transport: ["public_transport"],
  start_when: "now",
  ...extra,
});
