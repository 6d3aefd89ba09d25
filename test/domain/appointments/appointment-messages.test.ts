/**
 * Every appointment message in every client language: one language per message (the documents
 * and the note in the client's own language only), no empty "—" line, no link in the text (the
 * place is a map button), with and without something to bring.
 */
import { beforeAll, describe, expect, test } from "vitest";
import {
  cancelledMessage,
  movedMessage,
  newAppointmentMessage,
  reminderMessage,
} from "../../../src/domain/appointments/appointment-messages.ts";
import { BRING_DOCUMENTS } from "../../../src/domain/appointments/bring-documents.ts";
import type { Appointment } from "../../../src/generated/prisma/client.ts";
import { createTranslator } from "../../../src/i18n/i18n.ts";
import { renderOutputs } from "../../../src/i18n/render.ts";
import { CLIENT_LOCALES, type Translator } from "../../../src/i18n/translator.ts";

let translator: Translator;
beforeAll(async () => {
  translator = await createTranslator({ localesDir: "locales" });
});

const base: Appointment = {
  id: "appt1",
  caseId: "case1",
  startsAt: new Date("2027-03-29T08:00:00Z"),
  location: "Rue de la Loi 1, 1000 Bruxelles",
  mapUrl: null,
  withWhom: "Lena Janssens",
  purpose: "job_interview",
  bringDocuments: [],
  bringNotes: {},
  status: "scheduled",
  response: null,
  respondedAt: null,
  createdAt: new Date(),
  updatedAt: new Date(),
  idempotencyKey: null,
};
const builders = [newAppointmentMessage, reminderMessage, movedMessage, cancelledMessage];

function render(appointment: Appointment, locale: string) {
  return builders.map((build) => {
    const [rendered] = renderOutputs([build(appointment, "Europe/Brussels")], locale, translator);
    if (!rendered) throw new Error("nothing rendered");
    const { message } = rendered;
    // Arabic isolates each inserted value (FSI … PDI); the words are what is checked here.
    return { ...message, text: message.text.replace(/[\u2066-\u2069]/g, "") };
  });
}

describe.each(CLIENT_LOCALES)("appointment messages in %s", (locale) => {
  test("nothing to bring: no bring line, no dash, no link in the text; the map is a button", () => {
    for (const message of render(base, locale)) {
      expect(message.text).not.toMatch(/—|🎒|📝|http|%20|\{\{/);
      expect(message.text).not.toMatch(/\n\s*\n$/);
    }
    const [created] = render(base, locale);
    const map = created?.choices?.at(-1);
    expect(map?.label).toBe(translator.t("appointments.open_map", locale));
    expect(map?.url).toBe(
      "https://www.openstreetmap.org/search?query=Rue%20de%20la%20Loi%201%2C%201000%20Bruxelles",
    );
  });

  test("a stored map link that is not http(s) (from before it was checked) gives the OpenStreetMap search", () => {
    for (const mapUrl of ["javascript:alert(1)", "htps://maps.example.org/loi"]) {
      const [created] = render({ ...base, mapUrl }, locale);
      expect(created?.choices?.at(-1)?.url).toMatch(/^https:\/\/www\.openstreetmap\.org\/search\?query=/);
    }
    const [own] = render({ ...base, mapUrl: "https://maps.example.org/loi" }, locale);
    expect(own?.choices?.at(-1)?.url).toBe("https://maps.example.org/loi");
  });

  test("documents in this language only; a note only when this language has one", () => {
    const others = CLIENT_LOCALES.filter((l) => l !== locale);
    const appointment = {
      ...base,
      mapUrl: "https://maps.example.org/loi",
      bringDocuments: [...BRING_DOCUMENTS],
      bringNotes: { [locale]: `note-${locale}`, ...(locale === "en" ? {} : { en: "english note" }) },
    };
    const [created, reminder] = render(appointment, locale);
    if (!created || !reminder) throw new Error("no messages");
    for (const message of [created, reminder]) {
      for (const code of BRING_DOCUMENTS) {
        const own = translator.t(`appointments.document_${code}`, locale);
        expect(message.text).toContain(own);
      }
      expect(message.text).toContain(`📝 note-${locale}`);
      if (locale !== "en") expect(message.text).not.toContain("english note");
      expect(message.choices?.at(-1)?.url).toBe("https://maps.example.org/loi");
    }
    // Words that exist only in another language's document names do not appear.
    const own = new Set(BRING_DOCUMENTS.map((c) => translator.t(`appointments.document_${c}`, locale)));
    for (const other of others) {
      for (const code of BRING_DOCUMENTS) {
        const name = translator.t(`appointments.document_${code}`, other);
        if (!own.has(name) && name.length > 3) expect(created.text).not.toContain(name);
      }
    }
    const [noNote] = render({ ...appointment, bringNotes: { [others[0] ?? "en"]: "x y z" } }, locale);
    expect(noNote?.text).not.toContain("📝");
  });
});
