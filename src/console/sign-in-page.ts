/**
 * The signed-out pages' markup: the sign-in form (with "sign in with your organisation's account"
 * when OIDC is set up) and the set-password form of an invite link. Strings from console.json in
 * the browser's language (nl, fr or en).
 */
import type { FastifyRequest } from "fastify";
import { firstLanguageTag } from "../channels/webchat/webchat-requests.ts";
import { COUNSELLOR_LOCALES, type CounsellorLocale } from "../i18n/translator.ts";
import { consoleText } from "./console-context.ts";
import { html, type SafeHtml } from "./html.ts";
import { documentHtml, tabTitle } from "./layout.ts";

/** The browser's language among the console's, else English. */
export function browserLocale(request: FastifyRequest): CounsellorLocale {
  const tag = firstLanguageTag(request.headers["accept-language"])?.slice(0, 2).toLowerCase();
  return (COUNSELLOR_LOCALES as readonly string[]).includes(tag ?? "") ? (tag as CounsellorLocale) : "en";
}

/** A `next` parameter that stays inside the console (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === "string" &&
    /^\/console(?:[/?#]|$)/.test(next) &&
    !next.includes("//") &&
    next.length < 500
    ? next
    : "/console";
}

function frame(request: FastifyRequest, locale: CounsellorLocale, title: string, body: SafeHtml): string {
  const t = (key: string) => consoleText(request.server.consoleContext.translator, locale, key);
  return String(
    documentHtml(
      locale,
      tabTitle(title, t("app_name")),
      html`<main id="main" class="narrow"><p class="muted">${t("app_name")}</p><h1>${title}</h1>${body}</main>`,
    ),
  );
}

/** The sign-in page; `error` is a console.json key. */
export function signInPage(
  request: FastifyRequest,
  options: { csrf: string; next: string; error?: string; email?: string; oidc: boolean },
): string {
  const locale = browserLocale(request);
  const t = (key: string) => consoleText(request.server.consoleContext.translator, locale, key);
  const oidc = options.oidc
    ? html`<p><a class="button secondary" href="/console/oidc/start?next=${encodeURIComponent(options.next)}">${t("sign_in_oidc")}</a></p><p class="muted">${t("or_password")}</p>`
    : "";
  return frame(
    request,
    locale,
    t("sign_in_title"),
    html`${options.error ? html`<p class="error" role="alert">${t(options.error)}</p>` : ""}${oidc}
<form method="post" action="/console/sign-in">
  <input type="hidden" name="_csrf" value="${options.csrf}">
  <input type="hidden" name="next" value="${options.next}">
  <label for="email">${t("email")}</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="${options.email ?? ""}">
  <label for="password">${t("password")}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <p><button type="submit">${t("sign_in")}</button></p>
</form>`,
  );
}

/** The set-password page of an invite link; `error` is a console.json key. */
export function setPasswordPage(
  request: FastifyRequest,
  options: { csrf: string; token: string; name?: string; error?: string; valid: boolean },
): string {
  const locale = browserLocale(request);
  const t = (key: string, params?: Record<string, string | number>) =>
    consoleText(request.server.consoleContext.translator, locale, key, params);
  if (!options.valid)
    return frame(
      request,
      locale,
      t("set_password_title"),
      html`<p class="error" role="alert">${t("invite_invalid")}</p>`,
    );
  return frame(
    request,
    locale,
    t("set_password_title"),
    html`<p>${t("set_password_intro", { name: options.name ?? "" })}</p>
${options.error ? html`<p class="error" role="alert">${t(options.error, { min: 12 })}</p>` : ""}
<form method="post" action="/console/set-password">
  <input type="hidden" name="_csrf" value="${options.csrf}">
  <input type="hidden" name="token" value="${options.token}">
  <label for="password">${t("new_password")}</label>
  <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required aria-describedby="password-hint">
  <p id="password-hint" class="muted">${t("password_hint", { min: 12 })}</p>
  <label for="password2">${t("repeat_password")}</label>
  <input id="password2" name="password2" type="password" autocomplete="new-password" minlength="12" required>
  <p><button type="submit">${t("set_password")}</button></p>
</form>`,
  );
}
