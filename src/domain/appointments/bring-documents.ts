/**
 * "What to bring" to an appointment: documents from a fixed list, each translated in every client
 * language (`appointments.document_<code>`), plus an optional note a counsellor writes per client
 * language. A client reads only their own language: a note in another language is never shown.
 */
import { z } from "zod";
import { CLIENT_LOCALES } from "../../i18n/translator.ts";

/** The documents a counsellor can ask for, in the order the console and the CLI list them. */
export const BRING_DOCUMENTS = [
  "identity_card",
  "residence_card",
  "passport",
  "bank_card",
  "diploma",
  "work_permit",
  "cv",
  "driving_licence",
  "health_insurance_card",
] as const;
export type BringDocument = (typeof BRING_DOCUMENTS)[number];

/** The documents, each at most once, in the list's order. */
export const bringDocumentsSchema = z
  .array(z.enum(BRING_DOCUMENTS, { error: `must be one of ${BRING_DOCUMENTS.join(", ")}` }))
  .max(BRING_DOCUMENTS.length)
  .transform((codes) => BRING_DOCUMENTS.filter((code) => codes.includes(code)));

/** A note per client language; blank notes are dropped. */
export const bringNotesSchema = z
  .partialRecord(z.enum(CLIENT_LOCALES), z.string().max(300))
  .transform((notes) =>
    Object.fromEntries(
      Object.entries(notes)
        .map(([locale, note]) => [locale, (note ?? "").trim()] as const)
        .filter(([, note]) => note.length > 0),
    ),
  );
export type BringNotes = Partial<Record<(typeof CLIENT_LOCALES)[number], string>>;

/** Reads the stored notes leniently (a JSON column): only client languages with text. */
export function storedBringNotes(value: unknown): BringNotes {
  const parsed = bringNotesSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}
