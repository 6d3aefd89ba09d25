/**
 * From a platform's language hint (Telegram's `language_code`, Teams' `locale`, a browser's
 * `Accept-Language` entry) to one of our client locales.
 */
import { CLIENT_LOCALES, type ClientLocale } from "./translator.ts";

/** Language codes that are not ours but mean one of ours. */
const ALIASES: Readonly<Record<string, ClientLocale>> = {
  // Romani: the macrolanguage (rom) and its ISO 639-3 varieties, Vlax (rmy) and Balkan (rmn) first.
  rmy: "rom",
  rmn: "rom",
  rmc: "rom",
  rmf: "rom",
  rml: "rom",
  rmo: "rom",
  rmw: "rom",
  // Moldavian, a deprecated tag for Romanian.
  mo: "ro",
  // Standard Arabic and Najdi Arabic, as some systems tag them.
  arb: "ar",
  ars: "ar",
};

/** Picks a supported client locale from a hint ("ro-RO" → "ro", "rmy" → "rom"), or undefined. */
export function matchLocale(hint: string | undefined): ClientLocale | undefined {
  const language = hint?.trim().toLowerCase().split(/[-_]/)[0];
  if (!language) return undefined;
  if ((CLIENT_LOCALES as readonly string[]).includes(language)) return language as ClientLocale;
  return ALIASES[language];
}
