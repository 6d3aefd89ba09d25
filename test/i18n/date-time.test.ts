import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Info } from "luxon";
import { beforeAll, describe, expect, it } from "vitest";
import { createTranslator } from "../../src/i18n/i18n.ts";
import type { Translator } from "../../src/i18n/translator.ts";
import { REAL_LOCALES_DIR } from "./locales-fixture.ts";

let translator: Translator;
beforeAll(async () => {
  translator = await createTranslator({ localesDir: REAL_LOCALES_DIR });
});

const BRUSSELS = "Europe/Brussels";

describe("formatDateTime", () => {
  it("gives weekday, day, month and 24-hour time in the person's zone", () => {
    const at = new Date("2026-02-03T13:30:00Z");
    expect(translator.formatDateTime(at, "en", BRUSSELS)).toBe("Tuesday 3 February, 14:30");
    expect(translator.formatDateTime(at, "nl", BRUSSELS)).toBe("dinsdag 3 februari om 14:30");
    expect(translator.formatDateTime(at, "fr", BRUSSELS)).toBe("mardi 3 février à 14:30");
    expect(translator.formatDateTime(at, "en", "Europe/Bucharest")).toBe("Tuesday 3 February, 15:30");
  });

  it("uses our own Romani month and weekday names", () => {
    expect(translator.formatDateTime(new Date("2026-02-03T13:30:00Z"), "rom", BRUSSELS)).toBe(
      "Marci 3 Februaro, 14:30",
    );
    expect(translator.formatDateTime(new Date("2026-12-31T22:59:00Z"), "rom", BRUSSELS)).toBe(
      "Žoja 31 Decembro, 23:59",
    );
  });

  it("follows Brussels across the change to summer time (Romani)", () => {
    // 28 March 2027: clocks go from 02:00 CET to 03:00 CEST at 01:00 UTC.
    expect(translator.formatDateTime(new Date("2027-03-28T00:30:00Z"), "rom", BRUSSELS)).toBe(
      "Kurko 28 Marto, 01:30",
    );
    expect(translator.formatDateTime(new Date("2027-03-28T02:30:00Z"), "rom", BRUSSELS)).toBe(
      "Kurko 28 Marto, 04:30",
    );
  });

  it("never throws on an unknown zone or locale", () => {
    const at = new Date("2026-02-03T13:30:00Z");
    expect(translator.formatDateTime(at, "en", "Mars/Olympus")).toBe("Tuesday 3 February, 14:30");
    expect(translator.formatDateTime(at, "xx", BRUSSELS)).toBe("Tuesday 3 February, 14:30");
    expect(translator.formatDateTime(new Date(Number.NaN), "en", BRUSSELS)).toBe("");
  });
});

describe("formatTime: a language's own way with a time", () => {
  it("Bulgarian writes 9:05 (its calendar.json `time`), in a date too; the others 09:05, alone and in a date", () => {
    expect(translator.formatDateTime(new Date("2026-02-03T08:05:00Z"), "bg", BRUSSELS)).toBe(
      "вторник 3 февруари, 9:05",
    );
    expect(translator.formatTime("09:05", "bg")).toBe("9:05");
    expect(translator.formatTime("9:05", "bg")).toBe("9:05");
    expect(translator.formatTime("09:05", "en")).toBe("09:05");
    expect(translator.formatTime("9:05", "en")).toBe("09:05");
    expect(translator.formatDateTime(new Date("2026-02-03T08:05:00Z"), "en", BRUSSELS)).toBe(
      "Tuesday 3 February, 09:05",
    );
    for (const locale of ["rom", "ro", "ar", "nl", "fr"])
      expect(translator.formatTime("9:05", locale), locale).toBe("09:05");
    expect(translator.formatTime("09:05", "xx")).toBe("09:05");
    expect(translator.formatTime("soon", "bg")).toBe("soon");
  });
});

describe("calendar.json", () => {
  it.each([
    ["en", "en-BE"],
    ["nl", "nl-BE"],
    ["fr", "fr-BE"],
    ["ro", "ro-RO"],
    ["bg", "bg-BG"],
    ["ar", "ar-BE"],
  ])("%s writes a time as CLDR's short 24-hour time in %s, Latin digits", (locale, cldrLocale) => {
    const cldr = new Intl.DateTimeFormat(cldrLocale, {
      timeStyle: "short",
      hourCycle: "h23",
      numberingSystem: "latn",
      timeZone: "UTC",
    });
    for (const clock of ["09:05", "17:30", "00:00"])
      expect(translator.formatTime(clock, locale)).toBe(cldr.format(new Date(`2026-02-03T${clock}:00Z`)));
  });

  it.each(["en", "nl", "fr", "ro", "bg", "ar"])("%s names match what Intl shows", (locale) => {
    const calendar = JSON.parse(readFileSync(join(REAL_LOCALES_DIR, locale, "calendar.json"), "utf8"));
    expect(calendar.months).toEqual(Info.monthsFormat("long", { locale }));
    expect(calendar.weekdays).toEqual(Info.weekdaysFormat("long", { locale }));
  });
});
