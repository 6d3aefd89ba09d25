/**
 * What every broadcast page renders with: the staff member's words (`broadcast-console.*`, and
 * `console.*` for the shared ones), language names, and dates in the staff member's language.
 */
import type { FastifyRequest } from "fastify";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import type { Translator } from "../i18n/translator.ts";
import { languageName } from "./conversation-page.ts";
import { staffOf } from "./require-staff.ts";

type Params = Record<string, string | number>;

export interface BroadcastView {
  staff: StaffIdentity;
  translator: Translator;
  /** A broadcast page's own string. */
  t(key: string, params?: Params): string;
  /** A string shared by every console page (`console.<key>`). */
  ct(key: string, params?: Params): string;
  /** A client language's name in the staff member's language. */
  language(locale: string): string;
  /** A moment in the staff member's language, in `timeZone` (default the deployment's). */
  when(date: Date, timeZone?: string): string;
}

export function broadcastView(request: FastifyRequest): BroadcastView {
  const staff = staffOf(request);
  const { translator, config } = request.server.consoleContext;
  return {
    staff,
    translator,
    t: (key, params) => translator.t(`broadcast-console.${key}`, staff.locale, params),
    ct: (key, params) => translator.t(`console.${key}`, staff.locale, params),
    language: (locale) => languageName(request, staff, locale),
    when: (date, timeZone) => translator.formatDateTime(date, staff.locale, timeZone ?? config.TZ_DEFAULT),
  };
}
