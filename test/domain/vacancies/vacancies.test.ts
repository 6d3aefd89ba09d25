/** Vacancies and their candidates, against the real database. */
import { afterAll, describe, expect, test } from "vitest";
import { DomainError } from "../../../src/domain/errors.ts";
import { createVacancy, matchVacancy } from "../../../src/domain/vacancies/vacancies.ts";
import { readableLocales, vacancyLocaleFor } from "../../../src/domain/vacancies/vacancy-language.ts";
import type { Answer } from "../../../src/engine/types.ts";
import { testDb } from "../../support/db.ts";
import { cook as kitchen, vacancyWorld, type WorldClient } from "../../support/vacancy-world.ts";

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

/** An organisation whose clients did the self-assessment (test/support/vacancy-world.ts); their client ids. */
async function organisationWithClients(clients: WorldClient[]) {
  const world = await vacancyWorld(db, clients);
  return { slug: world.organisation.slug, ids: world.people.map((p) => p.clientId) };
}

const cook = (extra: Record<string, Answer> = {}) => kitchen({ languages: ["romanian"], ...extra });

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
