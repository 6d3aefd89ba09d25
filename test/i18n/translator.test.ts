import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FSI, LRI, PDI } from "../../src/i18n/bidi.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import type { Translator } from "../../src/i18n/translator.ts";
import { copyLocales, type LocalesFixture, REAL_LOCALES_DIR } from "./locales-fixture.ts";

let translator: Translator;
beforeAll(async () => {
  translator = await createTranslator({ localesDir: REAL_LOCALES_DIR, fallbackLocale: "en" });
});

describe("interpolation and bidi isolation", () => {
  it("wraps every interpolated value in FSI/PDI in Arabic", () => {
    const text = translator.t("common.invalid_number", "ar", { min: 1, max: 10 });
    expect(text).toContain(`${FSI}1${PDI}`);
    expect(text).toContain(`${FSI}10${PDI}`);
    expect(translator.t("onboarding.linked", "ar", { counsellor: "Sara Janssens" })).toContain(
      `${FSI}Sara Janssens${PDI}`,
    );
  });

  it("leaves English (and other left-to-right languages) alone", () => {
    expect(translator.t("onboarding.linked", "en", { counsellor: "Sara Janssens" })).toBe(
      "🤝 You are now connected with your counsellor Sara Janssens.",
    );
    expect(translator.t("common.invalid_number", "nl", { min: 1, max: 10 })).not.toMatch(/[\u2066-\u2069]/);
  });

  it("isolates a displayed count in Arabic, and the whole date when a Date is interpolated", () => {
    expect(translator.t("common.hours", "ar", { count: 3 })).toBe(`${FSI}3${PDI} ساعات`);
    const at = new Date("2026-02-03T13:30:00Z");
    const text = translator.t("common.invalid_date", "ar", { example: at });
    expect(text).toContain(`${FSI}${translator.formatDateTime(at, "ar", "Europe/Brussels")}${PDI}`);
  });

  it("keeps /commands left-to-right inside Arabic text", () => {
    expect(translator.t("common.nothing_to_do", "ar")).toContain(`${LRI}/help${PDI}`);
    expect(translator.t("common.nothing_to_do", "en")).toBe("👋 Hello! Tap a button 👇 or type /help.");
  });

  it("does not HTML-escape values nor interpret them", () => {
    const counsellor = `<b>O'Neil & $t(common.yes) {{count}}</b>`;
    expect(translator.t("onboarding.linked", "en", { counsellor })).toBe(
      `🤝 You are now connected with your counsellor ${counsellor}.`,
    );
  });

  it("writes a language's name in lower case where French wants it inside a sentence, and leaves it a label elsewhere", () => {
    const language = translator.t("counsellor.code_languages_romanian", "fr");
    expect(language).toBe("Roumain");
    expect(translator.t("console.vacancy_text_in", "fr", { language })).toBe("Texte en roumain");
    expect(translator.t("console.vacancy_no_text", "fr", { language: "Arabe" })).toBe(
      "Pas de texte en arabe\u202f: les clients qui ne lisent que cette langue ne recevront pas cette offre.",
    );
    // At the start of a sentence the label stays as it is; Dutch and English capitalise language names.
    expect(translator.t("console.match_not_language_too_low", "fr", { language, level: "A1" })).toMatch(
      /^Roumain /,
    );
    expect(translator.t("console.vacancy_text_in", "nl", { language: "Roemeens" })).toContain("Roemeens");
    expect(translator.t("console.vacancy_text_in", "en", { language: "Romanian" })).toContain("Romanian");
  });

  it("formats Date values in the given time zone", () => {
    const at = new Date("2026-02-03T13:30:00Z");
    expect(translator.t("common.invalid_date", "en", { example: at })).toBe(
      "📅 Please type a date, for example Tuesday 3 February, 14:30.",
    );
    expect(translator.t("common.invalid_date", "en", { example: at, timeZone: "Europe/Bucharest" })).toBe(
      "📅 Please type a date, for example Tuesday 3 February, 15:30.",
    );
  });
});

describe("plurals", () => {
  it("uses all six Arabic forms: _two for 2, _few for 3", () => {
    const hours = (count: number) =>
      translator.t("common.hours", "ar", { count }).replace(/[\u2066-\u2069]/g, "");
    expect(hours(0)).toBe("0 ساعة");
    expect(hours(1)).toBe("ساعة واحدة");
    expect(hours(2)).toBe("ساعتان");
    expect(hours(3)).toBe("3 ساعات");
    expect(hours(11)).toBe("11 ساعة");
    expect(hours(100)).toBe("100 ساعة");
  });

  it("uses Romanian one/few/other and French one/many/other", () => {
    expect([1, 2, 19, 20].map((count) => translator.t("common.days", "ro", { count }))).toEqual([
      "1 zi",
      "2 zile",
      "19 zile",
      "20 de zile",
    ]);
    expect([0, 1, 2, 1_000_000].map((count) => translator.t("common.days", "fr", { count }))).toEqual([
      "0 jour",
      "1 jour",
      "2 jours",
      "1000000 de jours",
    ]);
  });

  it("uses our own rule from locales/rom/meta.json for Romani", () => {
    expect([0, 1, 2, 5].map((count) => translator.t("common.days", "rom", { count }))).toEqual([
      "0 divesa",
      "1 dives",
      "2 divesa",
      "5 divesa",
    ]);
  });
});

describe("a rule that is ours, not Intl's", () => {
  let fixture: LocalesFixture;
  afterAll(() => fixture.cleanup());

  it("is read from the locale file, so changing the file changes Romani plurals", async () => {
    fixture = copyLocales();
    fixture.edit("rom/meta.json", (m) => {
      m.plural_rule = { one: "n = 1", few: "n = 2..4", other: "otherwise" };
    });
    fixture.edit("rom/common.json", (m) => {
      m.days_few = "{{count}} FEW";
    });
    const own = await createTranslator({ localesDir: fixture.dir });
    expect([1, 3, 5].map((count) => own.t("common.days", "rom", { count }))).toEqual([
      "1 dives",
      "3 FEW",
      "5 divesa",
    ]);
  });
});

describe("fallback, has, dir", () => {
  let fixture: LocalesFixture;
  let partial: Translator;
  const warnings: unknown[] = [];
  beforeAll(async () => {
    fixture = copyLocales();
    fixture.edit("bg/common.json", (m) => {
      delete m.error;
    });
    fixture.write("nl/webchat.json", "{ broken");
    partial = await createTranslator({
      localesDir: fixture.dir,
      logger: { warn: (details: unknown) => warnings.push(details) },
    });
  });
  afterAll(() => fixture.cleanup());

  it("renders English for a key one language lacks, and logs only ids", () => {
    const english = partial.t("common.error", "en");
    expect(partial.t("common.error", "bg")).toBe(english);
    expect(partial.t("common.yes", "bg")).toBe("✅ Да");
    expect(warnings).toContainEqual({ key: "common.error", locale: "bg", fallback: "en" });
    expect(JSON.stringify(warnings)).not.toContain(english);
  });

  it("renders English for a file that is not valid JSON, and the key itself when nobody has it", () => {
    expect(partial.t("webchat.send", "nl")).toBe("Send");
    expect(partial.t("common.no_such_key", "nl")).toBe("common.no_such_key");
  });

  it("has() does not fall back", () => {
    expect(partial.has("common.error", "bg")).toBe(false);
    expect(partial.has("common.error", "en")).toBe(true);
    expect(translator.has("common.hours", "rom")).toBe(true);
    expect(translator.has("common.hours_few", "rom")).toBe(false);
    expect(translator.has("common.hours_few", "ro")).toBe(true);
    expect(translator.has("common.yes", "xx")).toBe(false);
  });

  it("accepts locale hints and knows Arabic is right-to-left", () => {
    expect(translator.t("common.yes", "ro-RO")).toBe("✅ Da");
    expect(translator.t("common.yes", "xx")).toBe("✅ Yes");
    expect(translator.dir("ar")).toBe("rtl");
    expect(translator.dir("ar-SA")).toBe("rtl");
    expect(translator.dir("rom")).toBe("ltr");
  });
});

describe("matchLocale", () => {
  it.each([
    ["ro-RO", "ro"],
    ["ar-SA", "ar"],
    ["AR_eg", "ar"],
    ["rom", "rom"],
    ["rmn", "rom"],
    ["rmy", "rom"],
    ["bg", "bg"],
    ["nl-BE", "nl"],
    ["fr-BE", "fr"],
    ["en-GB", "en"],
    ["de-DE", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("%s → %s", (hint, expected) => {
    expect(translator.matchLocale(hint)).toBe(expected);
  });
});
