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
  name: string;
  locale: string;
  answers: Record<string, Answer>;
  alerts?: "every" | "weekly" | "none";
  legalAccessDate?: string;
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
    const client = await db.client.create({
      data: { locale: c.locale, displayName: c.name, alertFrequency: c.alerts ?? "every" },
    });
    const conversation = await db.conversation.create({
      data: {
        channel: "webchat",
        externalConversationId: uid(),
        externalUserId: uid(),
        clientId: client.id,
        locale: c.locale,
      },
    });
    await db.consent.create({
      data: {
        conversationId: conversation.id,
        clientId: client.id,
        noticeVersion: "test",
        decision: "accepted",
        channel: "webchat",
      },
    });
    await db.case.update({ where: { id: created.id }, data: { clientId: client.id, status: "preparation" } });
    await db.assessment.create({
      data: {
        clientId: client.id,
        caseId: created.id,
        flowId: "self_assessment",
        flowVersion: 1,
        answers: c.answers as object,
        readiness: computeReadiness(c.answers, null, "2026-11-23") as object,
        ...(c.legalAccessDate ? { legalAccessDate: new Date(`${c.legalAccessDate}T00:00:00Z`) } : {}),
      },
    });
    people.push({ clientId: client.id, caseId: created.id, conversationId: conversation.id });
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
