/**
 * Every message a client gets outside a turn — appointment notices and reminders, check-ins, job
 * alerts and "tell me more", the weekly digest, a company-visit offer, a broadcast's frame, a
 * counsellor's quick replies, handover notices, the lead and linking notices, the idle nudge, the
 * erasure notices — rendered in every client language with realistic data, must be in that language
 * only, and never show an empty "—" or "Bring: —" line.
 *
 * How "another language" is found: a word of the message in language L that also appears in the same
 * message rendered in another language M, and nowhere in L's own texts except the keys this message
 * is made of, is M's word inside L (an English "Bring" in Romanian, a French "CDD 6 mois" contract,
 * the French note shown to a Romanian client). Names, places and numbers are data, taken out first.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { OutboundMessage } from "../../src/channels/types.ts";
import {
  cancelledMessage,
  movedMessage,
  newAppointmentMessage,
  reminderMessage,
} from "../../src/domain/appointments/appointment-messages.ts";
import { broadcastOutput } from "../../src/domain/broadcasts/broadcast-fanout.ts";
import { DEFAULT_HANDOVER_SETTINGS } from "../../src/domain/handovers/handover-settings.ts";
import { whatHappensNext } from "../../src/domain/handovers/handovers.ts";
import { QUICK_REPLY_KEYS, renderQuickReply } from "../../src/domain/handovers/quick-replies.ts";
import { checkInMessage } from "../../src/domain/placements/checkin-messages.ts";
import { setCompanyVisit, slotOffer } from "../../src/domain/vacancies/company-visits.ts";
import { jobAlertCard, moreInfoCard } from "../../src/domain/vacancies/job-alerts.ts";
import { digestMessage } from "../../src/domain/vacancies/job-digest.ts";
import { postVacancy } from "../../src/domain/vacancies/vacancies.ts";
import type { Output } from "../../src/engine/types.ts";
import type { Appointment, Vacancy } from "../../src/generated/prisma/client.ts";
import { FSI, PDI } from "../../src/i18n/bidi.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import { loadLocales } from "../../src/i18n/locale-files.ts";
import { renderOutputs } from "../../src/i18n/render.ts";
import { CLIENT_LOCALES, type ClientLocale, type Translator } from "../../src/i18n/translator.ts";
import type { Db } from "../../src/store/prisma.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { testDb } from "../support/db.ts";
import { REAL_LOCALES_DIR } from "./locales-fixture.ts";

const ZONE = "Europe/Brussels";
const ADDRESS = "Rue Wayez 12, 1070 Anderlecht";
const MUNICIPALITY = "Anderlecht";
const EMPLOYER = "Net & Propre";
const PERSON = "Lena";
/** Data, not language: taken out of a text before its words are compared. */
const DATA = [ADDRESS, MUNICIPALITY, EMPLOYER, PERSON];
/**
 * Words two languages write alike: names of schemes and apps, abbreviations, and loans a language
 * really uses (Romani *firma*, *foto* from Romanian; *bravo* in Romanian and French; Belgian Dutch
 * *sorry*). Each is a real word of both; add one only when it is.
 */
const SHARED_WORDS = new Set([
  ...["cv", "cpas", "ocmw", "ibo", "fpi", "flexi", "job", "qr", "telegram", "teams"],
  ...["firma", "foto", "bravo", "sorry"],
]);

/**
 * How each client language writes a time of day (docs/decisions/0025): CLDR's short 24-hour time,
 * Latin digits; Romani as Romanian, the convention its readers see in Romania and Belgium.
 */
const TIME_SHAPE: Record<ClientLocale, string> = {
  rom: "09:00",
  ro: "09:00",
  ar: "09:00",
  bg: "9:00",
  nl: "09:00",
  fr: "09:00",
  en: "09:00",
};

/** What a counsellor writes per language: a note on what to bring, a vacancy's text, a broadcast. */
const NOTE: Record<ClientLocale, string> = {
  rom: "An vi jekh kopia katar tjo lil.",
  ro: "Adu și contractul de muncă.",
  ar: "أحضر أيضًا نسخة من العقد.",
  bg: "Донеси и копие от договора.",
  nl: "Breng ook een kopie van je contract mee.",
  fr: "Apporte aussi une copie de ton contrat.",
  en: "Also bring a copy of your contract.",
};
const VACANCY_TEXT: Record<ClientLocale, string> = {
  rom: "Užaripe ande birura, sako dives detehara.",
  ro: "Curățenie în birouri, dimineața, de luni până vineri.",
  ar: "تنظيف مكاتب في الصباح، من الاثنين إلى الجمعة.",
  bg: "Почистване на офиси сутрин, от понеделник до петък.",
  nl: "Kantoren poetsen, 's morgens, van maandag tot vrijdag.",
  fr: "Nettoyage de bureaux le matin, du lundi au vendredi.",
  en: "Office cleaning in the morning, Monday to Friday.",
};
const BROADCAST_TEXT: Record<ClientLocale, string> = {
  rom: "Paraštujate si jekh baro maladipe le firmenca.",
  ro: "Vineri este un târg de locuri de muncă.",
  ar: "يوم الجمعة معرض للوظائف.",
  bg: "В петък има борса за работа.",
  nl: "Vrijdag is er een jobbeurs.",
  fr: "Vendredi, il y a une bourse à l'emploi.",
  en: "On Friday there is a job fair.",
};

/** One proactive message: its name, and how it reads in a language. */
interface Proactive {
  name: string;
  /** The locale keys it is made of (their own words are not counted as the language's elsewhere). */
  keys: string[];
  render(locale: ClientLocale): OutboundMessage;
}

let db: Db;
let translator: Translator;
const messages: Proactive[] = [];

/** The keys an output is made of: its own, its list items', its buttons'. */
function keysOf(output: Output): string[] {
  return [
    output.key,
    ...Object.values(output.lists ?? {}).flatMap((items) => items.flatMap(keysOf)),
    ...(output.choices ?? []).flatMap((c) => [c.label, ...(c.emojiKey ? [c.emojiKey] : [])]),
  ];
}

function fromOutput(name: string, output: Output | ((locale: ClientLocale) => Output)): Proactive {
  const of = typeof output === "function" ? output : () => output;
  return {
    name,
    keys: keysOf(of("en")),
    render: (locale) =>
      (renderOutputs([of(locale)], locale, translator)[0] as { message: OutboundMessage }).message,
  };
}

function appointment(extra: Partial<Appointment> = {}): Appointment {
  const now = new Date("2026-12-01T10:00:00Z");
  return {
    id: "appt1",
    caseId: "case1",
    startsAt: new Date("2026-12-09T09:30:00Z"),
    location: ADDRESS,
    mapUrl: null,
    withWhom: PERSON,
    purpose: "job_interview",
    bringDocuments: ["identity_card", "bank_card", "work_permit"],
    bringNotes: NOTE,
    status: "scheduled",
    response: null,
    respondedAt: null,
    createdAt: now,
    updatedAt: now,
    idempotencyKey: null,
    ...extra,
  };
}

async function vacancy(
  db: Db,
  organisationId: string,
  extra: Record<string, unknown> = {},
): Promise<Vacancy> {
  return postVacancy(db, organisationId, {
    employer: EMPLOYER,
    jobCode: "office_cleaner",
    contractCode: "fixed_term",
    contractMonths: 6,
    municipality: MUNICIPALITY,
    hours: "part_time",
    texts: VACANCY_TEXT,
    ...extra,
  } as Parameters<typeof postVacancy>[2]);
}

function appointmentMessages(): Proactive[] {
  const full = appointment();
  const bare = appointment({ bringDocuments: [], bringNotes: {} });
  const romanianNoteOnly = appointment({ bringNotes: { ro: NOTE.ro } });
  return [
    fromOutput("new appointment", newAppointmentMessage(full, ZONE)),
    fromOutput("appointment reminder", reminderMessage(full, ZONE)),
    fromOutput("appointment moved", movedMessage(full, ZONE)),
    fromOutput("appointment cancelled", cancelledMessage(full, ZONE)),
    fromOutput("reminder, nothing to bring", reminderMessage(bare, ZONE)),
    fromOutput("new appointment, a note in Romanian only", newAppointmentMessage(romanianNoteOnly, ZONE)),
    // 08:05 in Brussels: an hour below 10 shows how a date writes its time (9:00 or 09:00).
    fromOutput(
      "new appointment, early",
      newAppointmentMessage(appointment({ startsAt: new Date("2026-12-09T07:05:00Z") }), ZONE),
    ),
  ];
}

async function jobMessages(organisationId: string): Promise<Proactive[]> {
  const shown = await vacancy(db, organisationId, { employerHidden: false, cvNeeded: true });
  const hidden = await vacancy(db, organisationId, { jobCode: "kitchen_helper", contractCode: "open_ended" });
  const third = await vacancy(db, organisationId, {
    jobCode: "warehouse_worker",
    contractCode: "temp_agency",
  });
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await setCompanyVisit(
    db,
    shown,
    { date: day, firstSlot: "09:40", slots: 3, minutes: 20, place: ADDRESS, host: PERSON },
    ZONE,
  );
  const offer = await slotOffer(db, {
    alertId: "alert1",
    vacancyId: shown.id,
    now: new Date(),
    timeZone: ZONE,
  });
  if (!offer) throw new Error("the company visit has no free slot");
  const alerts = [shown, hidden, third].map((v, i) => ({ id: `alert${i}`, vacancy: v }));
  return [
    fromOutput("job alert", (locale) => jobAlertCard("alert1", hidden, locale)),
    fromOutput("job alert, CV needed", (locale) => jobAlertCard("alert1", shown, locale)),
    fromOutput("tell me more, employer hidden", moreInfoCard("alert1", hidden)),
    fromOutput("tell me more, employer shown, 6 months", moreInfoCard("alert1", shown)),
    fromOutput("company-visit offer", offer),
    {
      name: "weekly digest",
      keys: [
        "jobs.digest",
        "jobs.digest_item",
        "jobs.digest_footer",
        "vacancy.title_office_cleaner",
        "vacancy.title_kitchen_helper",
        "vacancy.title_warehouse_worker",
      ],
      render: (locale) => digestMessage(alerts, locale, translator),
    },
  ];
}

function otherMessages(): Proactive[] {
  const settings = { timeZone: ZONE, ...DEFAULT_HANDOVER_SETTINGS };
  const open = new Date("2026-12-02T10:00:00Z");
  const closed = new Date("2026-12-05T10:00:00Z");
  const handover = (hasCounsellor: boolean, now: Date) => (locale: ClientLocale) =>
    whatHappensNext(settings, hasCounsellor, { now, locale, translator });
  return [
    fromOutput("check-in", checkInMessage("checkin1", EMPLOYER)),
    fromOutput("broadcast, job update", (locale) => broadcastOutput("job_update", BROADCAST_TEXT[locale])),
    fromOutput("broadcast, programme", (locale) => broadcastOutput("programme", BROADCAST_TEXT[locale])),
    fromOutput("handover, counsellor in office hours", handover(true, open)),
    fromOutput("handover, counsellor closed", handover(true, closed)),
    fromOutput("handover, team in office hours", handover(false, open)),
    fromOutput("handover, team closed", handover(false, closed)),
    ...["escalated", "seen", "back", "back_quiet"].map((k) =>
      fromOutput(`handover ${k}`, { key: `handover.${k}` }),
    ),
    fromOutput("lead assigned", { key: "leads.counsellor_assigned", params: { name: PERSON } }),
    fromOutput("linked to a counsellor", { key: "commands.linked_later", params: { counsellor: PERSON } }),
    fromOutput("idle nudge", { key: "common.idle_nudge" }),
    fromOutput("erasure done", { key: "commands.delete_done" }),
    fromOutput("erasure, web chat", { key: "webchat.deleted" }),
    ...QUICK_REPLY_KEYS.map((key) => quickReply(key, "10:30")),
    quickReply("come_to_office", "09:30", ", early"),
  ];
}

/** A counsellor's quick reply with a date, `time` and a place. */
function quickReply(key: (typeof QUICK_REPLY_KEYS)[number], time: string, suffix = ""): Proactive {
  return {
    name: `counsellor's quick reply ${key}${suffix}`,
    keys: [`quick-replies.${key}`],
    render: (locale: ClientLocale) =>
      renderQuickReply(translator, { key, params: { date: "2026-12-10", time, place: ADDRESS }, locale }),
  };
}

beforeAll(async () => {
  db = testDb();
  translator = await createTranslator({ localesDir: REAL_LOCALES_DIR });
  const { organisation } = await organisationWithCounsellor(db);
  messages.push(...appointmentMessages(), ...(await jobMessages(organisation.id)), ...otherMessages());
});
afterAll(async () => {
  await db?.$disconnect();
});

/** The words of a text, data taken out: lower case, letters only (numbers, emoji and marks dropped). */
function words(text: string): Set<string> {
  let rest = text.normalize("NFC");
  for (const value of DATA) rest = rest.replaceAll(value, " ");
  return new Set(
    (rest.toLowerCase().match(/\p{L}[\p{L}\p{M}]*/gu) ?? []).filter(
      (w) => w.length > 1 && !SHARED_WORDS.has(w),
    ),
  );
}

const PLURALS = ["zero", "one", "two", "few", "many", "other"];

/** Every word of a locale's client texts, except those of `without` (keys and their plural forms). */
function vocabulary(locale: string, without: readonly string[]): Set<string> {
  const files = loadLocales(REAL_LOCALES_DIR).locales.get(locale);
  const skip = new Set(without.flatMap((k) => [k, ...PLURALS.map((p) => `${k}_${p}`)]));
  const all = new Set<string>();
  for (const [file, messages] of files ?? []) {
    for (const [key, value] of Object.entries(messages)) {
      if (skip.has(`${file}.${key}`)) continue;
      // Placeholder names ({{bring}}) are not words of the language.
      for (const w of words(JSON.stringify(value).replace(/\{\{[^}]*\}\}/g, " "))) all.add(w);
    }
  }
  return all;
}

const wholeText = (m: OutboundMessage) => [m.text, ...(m.choices ?? []).map((c) => c.label)].join("\n");

/** A message of the list by its name. */
const byName = (name: string) => messages.find((m) => m.name === name) as Proactive;

/**
 * How each time of day in a text is written: "9:00" (one-digit hour), "09:00" (a zero before it),
 * "10:00" (an hour from 10 says nothing of a zero), with a suffix such as " ч." after it, and
 * "٠٩:٠٠" for Arabic-Indic digits (the project writes Latin ones). Any other time is its shape.
 */
function timeShapes(text: string): string[] {
  return [...text.matchAll(/(?<![\d٠-٩])([\d٠-٩]{1,2}):[\d٠-٩]{2}(?![\d٠-٩])( ?ч\.| ?h\b| uur\b)?/gu)].map(
    ([, hour = "", suffix = ""]) => {
      if (/[٠-٩]/.test(hour)) return hour.length === 1 ? "٩:٠٠" : "٠٩:٠٠";
      const shape = hour.length === 1 ? "9" : hour.startsWith("0") ? "09" : "10";
      return `${shape}:00${suffix}`;
    },
  );
}

/** Words of `locale`'s rendering that belong to another language's rendering of the same message. */
function foreignWords(message: Proactive, locale: ClientLocale): string[] {
  const own = words(wholeText(message.render(locale)));
  const mine = vocabulary(locale, message.keys);
  const found: string[] = [];
  for (const other of CLIENT_LOCALES) {
    if (other === locale) continue;
    const theirs = words(wholeText(message.render(other)));
    for (const w of own) if (theirs.has(w) && !mine.has(w)) found.push(`"${w}" (as in ${other})`);
  }
  return [...new Set(found)];
}

/** Lines that say nothing: "—", "Bring: —", a label with nothing after its colon. */
function emptyLines(message: OutboundMessage): string[] {
  const lines = message.text.split("\n");
  return lines.filter(
    (line, index) => /(^|[\s:])[—-]\s*$/.test(line.trim()) || (index > 0 && /:\s*$/.test(line)),
  );
}

describe("every proactive message in every client language", () => {
  test("there are the ones this test knows of", () => {
    expect(messages.length).toBeGreaterThan(30);
  });

  for (const locale of CLIENT_LOCALES) {
    test(`${locale}: one language per message, no empty lines, no key or placeholder left`, () => {
      const problems: string[] = [];
      for (const message of messages) {
        const rendered = message.render(locale);
        expect(rendered.locale).toBe(locale);
        const foreign = foreignWords(message, locale);
        if (foreign.length) problems.push(`${message.name}: ${foreign.join(", ")}`);
        const empty = emptyLines(rendered);
        if (empty.length) problems.push(`${message.name}: empty line ${JSON.stringify(empty)}`);
        if (
          /\{\{|\b(appointments|jobs|vacancy|checkin|common|handover|leads|commands|broadcasts|webchat|quick-replies)\.[a-z_]+/.test(
            wholeText(rendered),
          )
        )
          problems.push(`${message.name}: a key or placeholder is shown: ${JSON.stringify(rendered.text)}`);
      }
      expect(problems).toEqual([]);
    });
  }

  test("realistic data shows: documents, the note, a listed job title and contract, a place", () => {
    const reminder = byName("appointment reminder").render("ro").text;
    expect(reminder).toContain("🎒 De adus: buletinul, cardul bancar și permisul de muncă");
    expect(reminder).toContain(`📝 ${NOTE.ro}`);
    expect(reminder).toContain(ADDRESS);
    expect(byName("tell me more, employer shown, 6 months").render("ro").text).toContain(
      "Contract pe perioadă determinată, 6 luni",
    );
    const bare = byName("reminder, nothing to bring").render("rom").text;
    expect(bare).not.toContain("🎒");
    expect(bare).not.toContain("📝");
    expect(byName("new appointment, a note in Romanian only").render("fr").text).not.toContain("📝");
  });

  for (const locale of CLIENT_LOCALES) {
    const shape = TIME_SHAPE[locale];
    test(`${locale} writes every time one way, ${shape}: in office hours, dates, quick replies and slots`, () => {
      const other: string[] = [];
      for (const message of messages)
        for (const seen of timeShapes(wholeText(message.render(locale))))
          if (seen !== shape && seen !== "10:00") other.push(`${message.name}: ${seen}`);
      expect(other).toEqual([]);
      // Each kind of time shows an hour below 10, so each shows the shape, not only "10:00".
      for (const name of [
        "handover, counsellor closed",
        "new appointment, early",
        "counsellor's quick reply come_to_office, early",
        "company-visit offer",
      ])
        expect(timeShapes(wholeText(byName(name).render(locale))), name).toContain(shape);
    });
  }

  test("Bulgarian writes every time one way: 9:00 in office hours, dates, quick replies and slots", () => {
    // The office hours and the next opening in one notice, the same way.
    expect(byName("handover, counsellor closed").render("bg").text).toContain(
      "9:00–\u206017:00: от понеделник 7 декември, 9:00 ",
    );
    const early = renderQuickReply(translator, {
      key: "come_to_office",
      params: { date: "2026-12-10", time: "09:30" },
      locale: "bg",
    });
    expect(early.text).toBe("🏢 Ела в офиса на 10 декември 2026 г. в 9:30.");
  });

  test("the others write 09:00, as in their dates: Romanian, Romani and Arabic office hours", () => {
    expect(byName("handover, counsellor closed").render("ro").text).toContain("09:00–\u206017:00");
    expect(byName("handover, counsellor closed").render("rom").text).toContain("09:00–\u206017:00");
    expect(byName("handover, team in office hours").render("ar").text).toContain(
      `${FSI}09:00${PDI}–${FSI}\u206017:00${PDI}`,
    );
    expect(byName("counsellor's quick reply come_to_office, early").render("fr").text).toContain("09:30");
  });

  test("the time-shape check tells 9:00 from 09:00, a suffix, and Arabic-Indic digits", () => {
    expect(timeShapes("9:00–\u206017:00, 09:30, 10:00 ч., ٠٩:٠٠, 2026-12-10, 123:45")).toEqual([
      "9:00",
      "10:00",
      "09:00",
      "10:00 ч.",
      "٠٩:٠٠",
    ]);
  });

  test("the check finds another language's words: a French contract and an English line in Romanian", () => {
    /** The message with its Romanian text changed by `plant`, every other language as it is. */
    const planted = (name: string, plant: (ro: string, fr: string) => string): Proactive => {
      const real = byName(name);
      return {
        ...real,
        render: (locale) => {
          const message = real.render(locale);
          return locale === "ro"
            ? { ...message, text: plant(message.text, real.render("fr").text) }
            : message;
        },
      };
    };
    const frenchContract = planted("tell me more, employer shown, 6 months", (ro, fr) => {
      const contract = fr.split("\n").find((line) => line.startsWith("📝")) ?? "";
      return ro.replace(/📝.*/, contract);
    });
    expect(foreignWords(frenchContract, "ro")).toEqual(
      expect.arrayContaining([expect.stringMatching(/^"mois" \(as in fr\)$/)]),
    );
    const englishBring = planted("appointment reminder", (ro) => ro.replace("De adus:", "Bring:"));
    expect(foreignWords(englishBring, "ro")).toEqual(['"bring" (as in en)']);
    const emptyBring = planted("appointment reminder", (ro) => ro.replace(/De adus: .*/, "De adus: —"));
    expect(emptyLines(emptyBring.render("ro"))).toEqual(["🎒 De adus: —"]);
    const bareBring = planted("appointment reminder", (ro) => ro.replace(/De adus: .*/, "De adus:"));
    expect(emptyLines(bareBring.render("ro"))).toEqual(["🎒 De adus:"]);
    const frenchNote = planted("appointment reminder", (ro) => ro.replace(NOTE.ro, NOTE.fr));
    expect(foreignWords(frenchNote, "ro")).toEqual(expect.arrayContaining(['"apporte" (as in fr)']));
  });
});
