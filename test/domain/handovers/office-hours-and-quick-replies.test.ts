/**
 * The pure parts of handovers: working hours across a weekend and a DST change, the next
 * opening, office hours and quick replies in the client's words (Romani from our own names,
 * Arabic with every value isolated), the language guess, and the programme settings' checks.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { parseHandoverSettings } from "../../../src/domain/handovers/handover-settings.ts";
import { asksForPerson } from "../../../src/domain/handovers/handover-words.ts";
import { looksForeignTo } from "../../../src/domain/handovers/language-guess.ts";
import {
  afterWorkingHours,
  describeDays,
  inOfficeHours,
  nextOpening,
  officeHoursParams,
} from "../../../src/domain/handovers/office-hours.ts";
import { missingParams, renderQuickReply } from "../../../src/domain/handovers/quick-replies.ts";
import { FSI, PDI } from "../../../src/i18n/bidi.ts";
import { createTranslator } from "../../../src/i18n/i18n.ts";
import type { Translator } from "../../../src/i18n/translator.ts";

const OFFICE = { days: [1, 2, 3, 4, 5], open: "09:00", close: "17:00" };
const ZONE = "Europe/Brussels";
let translator: Translator;
beforeAll(async () => {
  translator = await createTranslator({ localesDir: "locales" });
});

describe("office hours", () => {
  test("four working hours from Friday 15:00 end on Monday 11:00", () => {
    const friday = new Date("2026-12-04T14:00:00Z"); // 15:00 in Brussels
    expect(afterWorkingHours(OFFICE, ZONE, friday, 4).toISOString()).toBe("2026-12-07T10:00:00.000Z");
  });
  test("across the change to summer time, 09:00 stays 09:00 local", () => {
    const saturday = new Date("2027-03-27T12:00:00Z");
    expect(nextOpening(OFFICE, ZONE, saturday).toISOString()).toBe("2027-03-29T07:00:00.000Z");
  });
  test("open now, or the next opening", () => {
    expect(inOfficeHours(OFFICE, ZONE, new Date("2026-12-02T09:00:00Z"))).toBe(true);
    expect(inOfficeHours(OFFICE, ZONE, new Date("2026-12-02T17:00:00Z"))).toBe(false);
    expect(nextOpening(OFFICE, ZONE, new Date("2026-12-02T17:00:00Z")).toISOString()).toBe(
      "2026-12-03T08:00:00.000Z",
    );
  });
  test("told in the client's words: Romani from our own names, runs of days as a range", () => {
    // A word joiner after each range's dash: "09:00–17:00" never ends a line at the dash.
    // Each time as the language writes every time (docs/decisions/0025): Romani 09:00, Bulgarian 9:00.
    expect(officeHoursParams(OFFICE, "rom", translator)).toEqual({
      days: "Luja–\u2060Paraštuj",
      open: "09:00",
      close: "\u206017:00",
    });
    expect(officeHoursParams(OFFICE, "bg", translator).open).toBe("9:00");
    expect(describeDays([1, 3, 5], "fr", translator)).toBe("lundi, mercredi et vendredi");
    expect(describeDays([1, 2, 3, 5], "nl", translator)).toBe("maandag–\u2060woensdag en vrijdag");
  });
  test("settings: defaults, and a bad value named", () => {
    expect(parseHandoverSettings({}, ZONE)).toMatchObject({ officeHours: OFFICE, unansweredAfterHours: 4 });
    expect(() => parseHandoverSettings({ officeHours: { open: "18:00", close: "09:00" } }, ZONE)).toThrow(
      /officeHours/,
    );
    expect(() => parseHandoverSettings({ handoverQuietTime: "soon" }, ZONE)).toThrow(/handoverQuietTime/);
  });
});

describe("quick replies", () => {
  test("a date in Romani words; in Arabic every value isolated, right to left", () => {
    const params = { date: "2026-12-08", time: "10:30" };
    expect(renderQuickReply(translator, { key: "come_to_office", params, locale: "rom" }).text).toBe(
      "🏢 Av ando biro ko 8 Decembro 2026, ko 10:30.",
    );
    const arabic = renderQuickReply(translator, { key: "come_to_office", params, locale: "ar" });
    expect(arabic.direction).toBe("rtl");
    expect(arabic.text).toContain(`${FSI}10:30${PDI}`);
    expect(missingParams("meet_at_place", { date: "2026-12-08" })).toEqual(["place", "time"]);
  });
});

describe("words and languages", () => {
  test("the words ask for a person in any language; a long answer that mentions help does not", () => {
    expect(asksForPerson("Консултант!", translator)).toBe(true);
    expect(asksForPerson("ajută-mă", translator)).toBe(true);
    expect(asksForPerson("I help my mother at home every day with cooking and cleaning", translator)).toBe(
      false,
    );
    expect(asksForPerson("Anderlecht", translator)).toBe(false);
  });
  test("a note when free text is not the client's language, none for short text or Romanian to Romani", () => {
    expect(looksForeignTo("Kom morgen om tien uur naar het kantoor, alsjeblieft.", "rom")).toBe(true);
    expect(looksForeignTo("ok 👍", "ar")).toBe(false);
    expect(looksForeignTo("Te rog să aduci buletinul și cartea de rezidență mâine", "rom")).toBe(false);
  });
});
