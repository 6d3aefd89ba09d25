/**
 * The segment builder's form, as the browser posts it (urlencoded: a checkbox group is a string or
 * a list), parsed into what the domain's broadcast functions take. Empty texts are no texts; the
 * time is the datetime-local field's value when "at a time" is chosen. What the domain refuses
 * (an unknown language, a time that has passed, a missing text) it refuses with its own words.
 */
import { z } from "zod";
import type { BroadcastInput } from "../domain/broadcasts/broadcasts.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";

const SEGMENT_FIELDS = ["programme", "place", "language", "status", "tag"] as const;

const many = z
  .union([z.string().max(200), z.array(z.string().max(200)).max(200)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean));
// Generous limits: the domain says what is too long, in words, without losing the rest of the form.
const one = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => v?.replace(/\r\n?/g, "\n").trim() ?? "");

const formSchema = z.object({
  ...Object.fromEntries(SEGMENT_FIELDS.map((field) => [field, many])),
  list: one(80),
  kind: z.enum(["programme", "job_update"]).catch("programme"),
  when: z.enum(["now", "at"]).catch("now"),
  at: one(16),
  ...Object.fromEntries(CLIENT_LOCALES.map((l) => [`text_${l}`, one(8000)])),
  ...Object.fromEntries(CLIENT_LOCALES.map((l) => [`fallback_${l}`, one(5)])),
});

/** The builder's state: what the page shows again, and what the domain gets. */
export interface BroadcastForm {
  segment: Partial<Record<(typeof SEGMENT_FIELDS)[number], string[]>> & { list?: string };
  kind: "programme" | "job_update";
  when: "now" | "at";
  /** The datetime-local value ("2026-12-03T14:30"), "" when none. */
  at: string;
  texts: Record<string, string>;
  fallbacks: Record<string, string>;
}

/** Parses a posted builder form (anything unreadable counts as not given). */
export function parseBroadcastForm(body: unknown): BroadcastForm {
  const parsed = formSchema.safeParse(body ?? {});
  const raw = (parsed.success ? parsed.data : formSchema.parse({})) as Record<string, unknown>;
  const segment: BroadcastForm["segment"] = {};
  for (const field of SEGMENT_FIELDS) {
    const values = raw[field] as string[];
    if (values.length) segment[field] = values;
  }
  if (raw.list) segment.list = raw.list as string;
  const texts: Record<string, string> = {};
  const fallbacks: Record<string, string> = {};
  for (const locale of CLIENT_LOCALES) {
    const text = raw[`text_${locale}`] as string;
    if (text) texts[locale] = text;
    const fallback = raw[`fallback_${locale}`] as string;
    if (fallback && fallback !== locale) fallbacks[locale] = fallback;
  }
  return {
    segment,
    kind: raw.kind as BroadcastForm["kind"],
    when: raw.when as BroadcastForm["when"],
    at: raw.at as string,
    texts,
    fallbacks,
  };
}

/**
 * The domain's input for the form. For a preview, fallbacks to a language still without a text
 * are left out (that language shows as missing until its text is written); a broadcast gets them
 * as given, and the domain refuses them with its reason.
 */
export function broadcastInputOf(
  form: BroadcastForm,
  sender: { organisationSlug: string; counsellorEmail: string },
  purpose: "preview" | "create",
): BroadcastInput {
  const fallbacks =
    purpose === "preview"
      ? Object.fromEntries(Object.entries(form.fallbacks).filter(([, to]) => form.texts[to]))
      : form.fallbacks;
  return {
    ...sender,
    kind: form.kind,
    segment: form.segment as BroadcastInput["segment"],
    texts: form.texts as BroadcastInput["texts"],
    fallbacks: fallbacks as BroadcastInput["fallbacks"],
    ...(form.when === "at" && form.at ? { at: form.at.replace("T", " ") } : {}),
  };
}
