/**
 * A Translator with just the web chat's strings: English from locales/en/webchat.json, Arabic
 * written here (so the page's right-to-left switch can be seen). It stands in for the i18next
 * translator, which the web chat only asks for `webchat.*` keys, directions and locale matching.
 */
import { readFileSync } from "node:fs";
import {
  CLIENT_LOCALES,
  type ClientLocale,
  RTL_LOCALES,
  type Translator,
} from "../../../src/i18n/translator.ts";

const english: Record<string, string> = JSON.parse(
  readFileSync(new URL("../../../locales/en/webchat.json", import.meta.url), "utf8"),
);

const arabic: Record<string, string> = {
  title: "محادثة",
  placeholder: "اكتب رسالة…",
  send: "إرسال",
  new_chat: "محادثة جديدة",
  offline: "⚠️ لا يوجد اتصال. نحاول مرة أخرى…",
  menu: "القائمة",
};

const byLocale: Record<string, Record<string, string>> = { en: english, ar: arabic };

/** Creates the stand-in translator. */
export function standInTranslator(): Translator {
  return {
    t(key, locale) {
      const [namespace, name = ""] = key.split(".");
      if (namespace !== "webchat") return key;
      return byLocale[locale]?.[name] ?? english[name] ?? key;
    },
    has: (key, locale) => key.startsWith("webchat.") && byLocale[locale]?.[key.slice(8)] !== undefined,
    dir: (locale) => (RTL_LOCALES.has(locale) ? "rtl" : "ltr"),
    formatDateTime: (date) => date.toISOString(),
    formatDate: (date) => date.toISOString().slice(0, 10),
    formatTime: (clock) => clock,
    weekdayName: (day) => String(day),
    formatList: (items) => items.join(", "),
    matchLocale(hint) {
      const base = hint?.toLowerCase().split(/[-_]/)[0];
      return CLIENT_LOCALES.find((locale): locale is ClientLocale => locale === base);
    },
  };
}
