/**
 * The bot's command menu ("/" button in Telegram), in each client language Telegram can name,
 * listed from the command table (src/domain/commands/client-commands.ts).
 * Romani has no two-letter code, so Romani speakers see the default (English) menu.
 */
import type { Api } from "grammy";
import type { LanguageCode } from "grammy/types";
import { CLIENT_COMMANDS } from "../../domain/commands/client-commands.ts";
import { CLIENT_LOCALES, type Translator } from "../../i18n/translator.ts";
import type { Logger } from "../../logger.ts";
import { errorSummary } from "./errors.ts";

/** Client languages with a Telegram language_code (two letters); the default scope (no code) uses English. */
export const COMMAND_LOCALES = CLIENT_LOCALES.filter((locale) => locale.length === 2) as LanguageCode[];

/** Sets the command menu for every language (and the default); failures are logged, never thrown. */
export async function registerCommands(api: Api, translator: Translator, logger: Logger): Promise<void> {
  const missing = CLIENT_COMMANDS.filter((c) => !translator.has(c.descriptionKey, "en")).map((c) => c.name);
  if (missing.length > 0) {
    logger.warn({ missing }, "telegram commands not set: descriptions missing");
    return;
  }
  const menu = (locale: string) =>
    [...CLIENT_COMMANDS]
      .sort((a, b) => a.order - b.order)
      .map((c) => ({ command: c.name, description: translator.t(c.descriptionKey, locale) }));
  const scopes: { locale: string; language_code?: LanguageCode }[] = [
    { locale: "en" },
    ...COMMAND_LOCALES.map((locale) => ({ locale, language_code: locale })),
  ];
  for (const { locale, language_code } of scopes) {
    try {
      await api.setMyCommands(menu(locale), language_code ? { language_code } : {});
    } catch (error) {
      logger.warn({ locale, err: errorSummary(error) }, "telegram setMyCommands failed");
    }
  }
}
