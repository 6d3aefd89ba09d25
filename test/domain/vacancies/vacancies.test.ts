/** Vacancies and their candidates, against the real database. */
import { afterAll, describe, expect, test } from "vitest";
import { computeReadiness } from "../../../src/domain/assessment/readiness.ts";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { DomainError } from "../../../src/domain/errors.ts";
import { createCounsellor } from "../../../src/domain/organisations/counsellors.ts";
import { createOrganisation } from "../../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../../src/domain/organisations/programmes.ts";
import { createVacancy, matchVacancy } from "../../../src/domain/vacancies/vacancies.ts";
import { readableLocales, vacancyLocaleFor } from "../../../src/domain/vacancies/vacancy-language.ts";
import type { Answer } from "../../../src/engine/types.ts";
import { testDb, uid } from "../../support/db.ts";

const db = testDb();
afterAll(() => db.$disconnect());

describe("the language a vacancy reaches a client in", () => {
  test("the chat language when there is a text in it, else a language they speak, never another", () => {
    const readable = readableLocales("rom", { languages: ["romani", "romanian", "french"] });
    expect(readable).toEqual(["rom", "ro", "fr"]);
    expect(vacancyLocaleFor({ rom: "Buti", ro: "Muncă" }, readable)).toBe("rom");
    expect(vacancyLocaleFor({ ro: "Muncă", nl: "Werk" }, readable)).toBe("ro");
    expect(vacancyLocaleFor({ nl: "Werk", en: "Work" }, readable)).toBeUndefined();
  });
});

async function organisationWithClients(
  clients: {
    answers: Record<string, Answer>;
    locale: string;
    consent?: "accepted" | "declined";
    alerts?: "every" | "none";
  }[],
) {
  const s = uid();
  await createOrganisation(db, { slug: `o-${s}`, name: "JobRoad" });
  await createProgramme(db, { organisationSlug: `o-${s}`, slug: `p-${s}`, name: "Refugees2work" });
  await createCounsellor(db, { organisationSlug: `o-${s}`, name: "Sara", email: `s-${s}@example.org` });
  const ids: string[] = [];
  for (const c of clients) {
    const created = await createCase(db, { programmeSlug: `p-${s}`, counsellorEmail: `s-${s}@example.org` });
    const client = await db.client.create({
      data: { locale: c.locale, alertFrequency: c.alerts ?? "every" },
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
        decision: c.consent ?? "accepted",
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
      },
    });
    ids.push(client.id);
  }
  return { slug: `o-${s}`, ids };
}

const cook = (extra: Record<string, Answer> = {}): Record<string, Answer> => ({
  residence: "eu_citizen",
  interests: ["kitchen_pastry"],
  experience: ["kitchen"],
  hours: "full_time",
  shifts: ["day"],
  weekends: true,
  dutch_level: "basic",
  languages: ["romanian"],
  transport: ["public_transport"],
  start_when: "now",
  ...extra,
});

test("matching a vacancy: ranked candidates of the organisation, with reasons, exclusions and the language", async () => {
  const { slug, ids } = await organisationWithClients([
    { answers: cook(), locale: "ro" },
    { answers: cook({ interests: ["cleaning"], experience: [] }), locale: "ro" },
    { answers: cook({ dutch_level: "none" }), locale: "ro" },
    { answers: cook({ languages: ["arabic"] }), locale: "ar" },
    { answers: cook(), locale: "ro", consent: "declined" },
  ]);
  const vacancy = await createVacancy(db, {
    organisationSlug: slug,
    employer: "Brasserie Horta",
    job: "Commis de cuisine",
    sector: "kitchen_pastry",
    municipality: "Saint-Gilles",
    hours: "full_time",
    shifts: ["day"],
    weekends: true,
    contractType: "interim",
    dutchLevel: "basic",
    texts: { ro: "Ajutor în bucătărie, zi, weekend.", nl: "Keukenhulp, dag, weekend." },
  });
  const ranked = await matchVacancy(db, { vacancyId: vacancy.id, today: "2026-11-23" });
  expect(ranked.map((r) => r.clientId)).toEqual([ids[0], ids[3], ids[1], ids[2]]); // the declined client is no candidate
  expect(ranked[0]).toMatchObject({ included: true, locale: "ro" });
  expect(ranked[1]).toMatchObject({ included: true, locale: undefined }); // reads Arabic only: no text yet
  expect(ranked[3]).toMatchObject({ included: false, exclusions: ["language_too_low"] });
});

test("a vacancy needs a text in at least one language and a known sector code", async () => {
  const { slug } = await organisationWithClients([]);
  const base = {
    organisationSlug: slug,
    employer: "X",
    job: "Y",
    sector: "cleaning",
    municipality: "Anderlecht",
    hours: "part_time" as const,
    contractType: "interim",
  };
  await expect(createVacancy(db, { ...base, texts: {} })).rejects.toThrow(DomainError);
  await expect(createVacancy(db, { ...base, sector: "Cleaning!", texts: { en: "x" } })).rejects.toThrow(
    /interest code/,
  );
  await expect(createVacancy(db, { ...base, texts: { xx: "x" } as never })).rejects.toThrow(DomainError);
});
