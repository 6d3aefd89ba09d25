/** Job titles and contract types from translated lists: every code in every client language. */
import { describe, expect, test } from "vitest";
import { jobAlertCard } from "../../../src/domain/vacancies/job-alerts.ts";
import {
  CONTRACT_TYPES,
  contractOutput,
  JOB_TITLE_CODES,
  jobTitleOutput,
} from "../../../src/domain/vacancies/vacancy-lists.ts";
import type { Vacancy } from "../../../src/generated/prisma/client.ts";
import { createTranslator } from "../../../src/i18n/i18n.ts";
import { renderOutputs } from "../../../src/i18n/render.ts";
import { CLIENT_LOCALES } from "../../../src/i18n/translator.ts";

const translator = await createTranslator({ localesDir: "locales" });

const vacancy = {
  id: "v1",
  jobCode: "cleaner",
  job: null,
  contractCode: "fixed_term",
  contractMonths: 6,
  contractType: null,
  municipality: "Anderlecht",
  hours: "part_time",
  cvNeeded: false,
  texts: { ro: "Curățenie, dimineața.", ar: "تنظيف صباحًا." },
} as unknown as Vacancy;

describe("the lists", () => {
  test("every job title and contract type has its own text in every client language", () => {
    for (const locale of CLIENT_LOCALES) {
      for (const code of JOB_TITLE_CODES) expect(translator.has(`vacancy.title_${code}`, locale)).toBe(true);
      for (const code of CONTRACT_TYPES)
        expect(translator.has(`vacancy.contract_${code}`, locale)).toBe(true);
    }
  });

  test("a Romanian card and its contract are Romanian: no French title, no 'CDD 6 mois'", () => {
    const [card] = renderOutputs([jobAlertCard("a1", vacancy, "ro")], "ro", translator);
    expect(card?.message.text.split("\n")[0]).toBe("💼 Loc de muncă nou: Lucrător la curățenie");
    const [contract] = renderOutputs([contractOutput(vacancy)], "ro", translator);
    expect(contract?.message.text).toBe("Contract pe perioadă determinată, 6 luni");
    const [french] = renderOutputs([contractOutput(vacancy)], "fr", translator);
    expect(french?.message.text).toBe("CDD (contrat à durée déterminée), 6 mois");
  });

  test("Arabic: the title inside the right-to-left card is isolated, the months in Arabic", () => {
    const [card] = renderOutputs([jobAlertCard("a1", vacancy, "ar")], "ar", translator);
    expect(card?.message.direction).toBe("rtl");
    expect(card?.message.text).toContain("عامل نظافة");
    const [contract] = renderOutputs([contractOutput({ ...vacancy, contractMonths: 1 })], "ar", translator);
    expect(contract?.message.text).toContain("شهر واحد");
  });

  test("free text, the last resort, is shown as written", () => {
    const free = { jobCode: null, job: "Glazenwasser" };
    const [title] = renderOutputs([jobTitleOutput(free)], "rom", translator);
    expect(title?.message.text).toBe("Glazenwasser");
  });
});
