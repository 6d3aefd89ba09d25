/**
 * A client onboarded on Telegram with a case's invite code, as the scheduling and fault tests
 * need one: a new case of `programmeSlug` for `counsellorEmail`, then `/start <code>`, a language,
 * consent, and the questionnaire offer answered `now` or `later`.
 */
import { createCase } from "../../src/domain/cases/cases.ts";
import { TelegramUser } from "./telegram-user.ts";
import type { TestBedWithTelegram } from "./test-bed.ts";

export interface OnboardOptions {
  programmeSlug: string;
  counsellorEmail: string;
  /** The language tapped (a client language code). */
  locale: string;
  /** The answer to the questionnaire offer. */
  questionnaire: "now" | "later";
}

/** The onboarded person and their case's id. */
export async function onboardedOnTelegram(
  bed: TestBedWithTelegram,
  { programmeSlug, counsellorEmail, locale, questionnaire }: OnboardOptions,
): Promise<{ user: TelegramUser; caseId: string }> {
  const created = await createCase(bed.app.db, { programmeSlug, counsellorEmail });
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap(`language:${locale}`);
  await user.tap("consent:accept");
  await user.tap(`done:${questionnaire}`);
  return { user, caseId: created.id };
}
