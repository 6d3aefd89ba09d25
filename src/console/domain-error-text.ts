/**
 * A DomainError as a staff member reads it: in their language (`console.error_<code>`), never the
 * English line the CLI and the API show. An error without a code, or with one the console has no
 * words for, reads as the generic "could not be done" — still in their language.
 */
import type { FastifyRequest } from "fastify";
import type { DomainError } from "../domain/errors.ts";
import type { Translator } from "../i18n/translator.ts";
import { staffOf } from "./require-staff.ts";

/** The error in `locale` (nl, fr, en). */
export function domainErrorText(translator: Translator, locale: string, error: DomainError): string {
  if (error.code === "invalid_field") {
    const field = `console.field_${(error.params.field ?? "").split(".")[0]?.replace(/\W/g, "_")}`;
    return translator.has(field, locale)
      ? translator.t("console.error_invalid_field", locale, { field: translator.t(field, locale) })
      : translator.t("console.error_invalid_input", locale);
  }
  const key = `console.error_${error.code ?? "generic"}`;
  return translator.has(key, locale)
    ? translator.t(key, locale, error.params)
    : translator.t("console.error_generic", locale);
}

/** The error in the language of the staff member behind `request`. */
export function staffErrorText(request: FastifyRequest, error: DomainError): string {
  return domainErrorText(request.server.consoleContext.translator, staffOf(request).locale, error);
}
