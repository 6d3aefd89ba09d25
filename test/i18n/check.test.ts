import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkLocales, formatProblem, loadKeyIndex, placeholdersIn } from "../../src/i18n/check.ts";
import { copyLocales, type LocalesFixture, REAL_LOCALES_DIR } from "./locales-fixture.ts";

describe("the real locales", () => {
  it("pass the check: every language has every key, plural form and placeholder", () => {
    const problems = checkLocales(REAL_LOCALES_DIR).map((p) => formatProblem(p, REAL_LOCALES_DIR));
    expect(problems).toEqual([]);
  });

  it("answer which keys exist everywhere", () => {
    const index = loadKeyIndex(REAL_LOCALES_DIR);
    expect([...index.locales].sort()).toEqual(["ar", "bg", "en", "fr", "nl", "ro", "rom"]);
    expect(index.hasKeyEverywhere("onboarding.consent_notice")).toBe(true);
    expect(index.hasKeyEverywhere("common.hours")).toBe(true);
    expect(index.hasKeyEverywhere("common.no_such_key")).toBe(false);
    expect(index.localesMissing("common.no_such_key")).toHaveLength(7);
  });
});

describe("checkLocales on a broken copy", () => {
  let fixture: LocalesFixture;
  beforeEach(() => {
    fixture = copyLocales();
  });
  afterEach(() => fixture.cleanup());

  const lines = () => checkLocales(fixture.dir).map((p) => formatProblem(p, fixture.dir, fixture.dir));

  it("reports a missing key", () => {
    fixture.edit("ro/common.json", (m) => {
      delete m.hours_other;
    });
    expect(lines()).toEqual(['ro/common.json: missing key "hours_other"']);
  });

  it("reports an extra key", () => {
    fixture.edit("nl/webchat.json", (m) => {
      m.typo_key = "Oeps";
    });
    expect(lines()).toEqual(['nl/webchat.json: extra key "typo_key"']);
  });

  it("reports a placeholder that differs from English", () => {
    fixture.edit("fr/common.json", (m) => {
      m.invalid_number = "🔢 Tape un nombre de {{min}} à {{maximum}}.";
    });
    expect(lines()).toEqual([
      'fr/common.json: placeholders in "invalid_number" differ from en: {{maximum}}, {{min}}; en has {{max}}, {{min}}',
    ]);
  });

  it("reports broken JSON with the file name, once", () => {
    fixture.write("bg/commands.json", '{ "start_description": "Започни", }');
    const found = lines();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^bg\/commands\.json: invalid JSON \(/);
  });

  it("reports a plural form the language needs but lacks", () => {
    fixture.edit("ar/common.json", (m) => {
      delete m.hours_two;
    });
    fixture.edit("ro/common.json", (m) => {
      delete m.days_few;
    });
    expect(lines()).toEqual([
      'ar/common.json: missing key "hours_two"',
      'ro/common.json: missing key "days_few"',
    ]);
  });

  it("reports a plural form the language does not have", () => {
    fixture.edit("bg/common.json", (m) => {
      m.hours_few = "{{count}} часа";
    });
    expect(lines()).toEqual(['bg/common.json: extra key "hours_few"']);
  });

  it("lets Arabic one/two forms leave out {{count}}, but not the others", () => {
    fixture.edit("ar/common.json", (m) => {
      m.hours_few = "ساعات";
    });
    expect(lines()).toEqual([
      'ar/common.json: placeholders in "hours_few" differ from en: none; en has {{count}}',
    ]);
  });

  it("reports empty strings, changed commands, missing files and missing plural rules", () => {
    fixture.edit("nl/common.json", (m) => {
      m.yes = " ";
    });
    fixture.edit("ro/commands.json", (m) => {
      m.delete_done = "✅ Totul este șters. Scrie /porneste.";
    });
    fixture.remove("bg/webchat.json");
    fixture.edit("rom/meta.json", (m) => {
      delete m.plural_rule;
    });
    expect(lines()).toEqual([
      "bg/webchat.json: missing file",
      'nl/common.json: empty string for "yes"',
      'ro/commands.json: commands in "delete_done" differ from en: /porneste; en has /start',
      expect.stringMatching(/^rom\/meta\.json: Intl has no plural rules for "rom": add "plural_rule"/),
    ]);
  });

  it("reports a French colon without its narrow no-break space, bare or after a plain space", () => {
    fixture.edit("fr/console.json", (m) => {
      m.status = "Statut: ouvert";
      m.cases_count = "Dossiers affichés : {{count}}";
      m.match_shifts_fit = "horaires\u00a0:{{shifts}}";
    });
    expect(lines()).toEqual([
      'fr/console.json: "status": a colon without a narrow no-break space (U+202F) before it: "Statut: ouvert"',
      'fr/console.json: "cases_count": a colon without a narrow no-break space (U+202F) before it: "rs affichés : {{count}}"',
      'fr/console.json: "match_shifts_fit": a colon without a narrow no-break space (U+202F) before it: "horaires\u00a0:{{shifts}}"',
    ]);
  });

  it("leaves a French clock, an address and a colon after U+202F alone", () => {
    fixture.edit("fr/console.json", (m) => {
      m.status = "Statut\u202f: ouvert à 9:00, voir https://example.org";
    });
    expect(lines()).toEqual([]);
  });

  it("reports a French ; ! ? after a plain space, a no-break space or none, and names the key", () => {
    fixture.edit("fr/onboarding.json", (m) => {
      m.consent_accept = "Tu es d’accord ?";
      m.welcome = "👋 Bonjour\u00a0! Je suis l’assistant";
      m.lead = "Merci ; un conseiller va t’écrire?";
    });
    fixture.edit("fr/checkin.json", (m) => {
      m.how_is_work = "Comment va le travail chez {{employer}} ?";
    });
    expect(lines()).toEqual([
      'fr/checkin.json: "how_is_work": a question mark without a narrow no-break space (U+202F) before it: "{employer}} ?"',
      'fr/onboarding.json: "welcome": an exclamation mark without a narrow no-break space (U+202F) before it: "👋 Bonjour\u00a0! Je suis l’"',
      'fr/onboarding.json: "consent_accept": a question mark without a narrow no-break space (U+202F) before it: "es d’accord ?"',
      'fr/onboarding.json: "lead": a semicolon without a narrow no-break space (U+202F) before it: "Merci ; un conseil"',
      'fr/onboarding.json: "lead": a question mark without a narrow no-break space (U+202F) before it: " va t’écrire?"',
    ]);
  });

  it("passes French ; ! ? after U+202F, also after a placeholder, and leaves URLs and other languages alone", () => {
    fixture.edit("fr/onboarding.json", (m) => {
      m.consent_accept = "Tu es d’accord\u202f?!";
      m.welcome = "👋 Bonjour\u202f! Voir https://example.org/aide?lang=fr&x=1;y";
    });
    fixture.edit("fr/checkin.json", (m) => {
      m.how_is_work = "Comment va le travail chez {{employer}}\u202f? Bien\u202f; merci";
    });
    fixture.edit("en/onboarding.json", (m) => {
      m.consent_accept = "Do you agree?";
    });
    expect(lines()).toEqual([]);
  });

  it("reports French guillemets without U+202F inside, and passes them with it", () => {
    fixture.edit("fr/console.json", (m) => {
      m.vacancy_job_free = "Autre fonction (seulement avec « Autre »)";
      m.vacancy_contract_free = "Autre contrat (seulement avec «\u00a0Autre»)";
      m.error_unknown_saved_list = "Pas de liste «\u202f{{list}}\u202f» ici.";
    });
    expect(lines()).toEqual([
      'fr/console.json: "vacancy_job_free": a guillemet without a narrow no-break space (U+202F) inside it: "lement avec « Autre »)"',
      'fr/console.json: "vacancy_contract_free": a guillemet without a narrow no-break space (U+202F) inside it: "lement avec «\u00a0Autre»)"',
    ]);
  });

  it("reports a second kind of apostrophe, a double space and a space before a comma", () => {
    fixture.edit("fr/console.json", (m) => {
      m.staff_title = "L'équipe";
    });
    fixture.edit("en/console.json", (m) => {
      m.staff_title = "The team’s people";
      m.cases_title = "Open  cases";
      m.status = "Status , open";
    });
    expect(lines()).toEqual([
      `en/console.json: "status": a double space or a space before a comma: "Status , open"`,
      `en/console.json: "cases_title": a double space or a space before a comma: "Open  cases"`,
      `en/console.json: "staff_title": an apostrophe other than ': "The team’s people"`,
      `fr/console.json: "staff_title": an apostrophe other than ’: "L'équipe"`,
    ]);
  });

  it("reports a calendar list of the wrong length", () => {
    fixture.edit("rom/calendar.json", (m) => {
      m.months = ["Januaro"];
    });
    expect(lines()).toEqual(['rom/calendar.json: "months" must be a list of 12, like en']);
  });

  it("reports a calendar `time` that cannot write a time", () => {
    fixture.edit("bg/calendar.json", (m) => {
      m.time = "{{hour}} ч.";
    });
    expect(lines()).toEqual(['bg/calendar.json: "time" needs {{hour}} or {{hh}}, and {{minute}}']);
  });

  it("asks every client language for its `time`, English too, and compares none with English's", () => {
    fixture.edit("ro/calendar.json", (m) => {
      delete m.time;
    });
    fixture.edit("en/calendar.json", (m) => {
      delete m.time;
    });
    expect(lines()).toEqual([
      'en/calendar.json: missing key "time" (how the language writes a time of day, e.g. "{{hh}}:{{minute}}")',
      'ro/calendar.json: missing key "time" (how the language writes a time of day, e.g. "{{hh}}:{{minute}}")',
    ]);
  });
});

describe("placeholdersIn", () => {
  it("finds names once each, with or without a format", () => {
    expect(placeholdersIn("{{ b }} {{a}} {{a, number}} {{- c}}")).toEqual(["a", "b", "c"]);
  });
});
