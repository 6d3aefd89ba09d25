/**
 * The bot's command menu ("/" button in Telegram), in each client language Telegram can name.
 * Romani has no two-letter code, so Romani speakers see the default (English) menu.
 */
import type { Api } from "grammy";
import type { LanguageCode } from "grammy/types";
import type { Translator } from "../../i18n/translator.ts";
import type { Logger } from "../../logger.ts";
import { errorSummary } from "./errors.ts";

/** The commands shown in the menu, in menu order. */
export const BOT_COMMANDS = [
  "start",
  "language",
  "assessment",
  "alerts",
  "help",
  "privacy",
  "delete",
  "stop",
  "link",
] as const;

/** Client languages with a Telegram language_code; the default scope (no code) uses English. */
export const COMMAND_LOCALES = [
  "ro",
  "ar",
  "bg",
  "nl",
  "fr",
  "en",
] as const satisfies readonly LanguageCode[];

/**
 * Where a command's description lives. The first form is the agreed one; the second is how
 * locales/<lng>/commands.json spells it today. The first that exists in English wins.
 */
const descriptionKeys = (name: string) => [`commands.${name}.description`, `commands.${name}_description`];

/** Sets the command menu for every language (and the default); failures are logged, never thrown. */
export async function registerCommands(api: Api, translator: Translator, logger: Logger): Promise<void> {
  const keys = BOT_COMMANDS.map((name) => ({
    name,
    key: descriptionKeys(name).find((key) => translator.has(key, "en")),
  }));
  const missing = keys.filter((k) => k.key === undefined).map((k) => k.name);
  if (missing.length > 0) {
    logger.warn({ missing }, "telegram commands not set: descriptions missing");
    return;
  }
  const menu = (locale: string) =>
    keys.map(({ name, key }) => ({ command: name, description: translator.t(key ?? "", locale) }));
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
