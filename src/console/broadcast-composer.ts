/**
 * The composer: what the segment builder's choices give, re-rendered by the server on every
 * change. Who gets it per language (live counts) and who cannot be reached; one text area per
 * language present in the segment, with its explicit fallback and a preview as the client will
 * see it (the same header and rendering as the fan-out; right-to-left for Arabic); the refusal,
 * in words, while a language has neither a text nor a fallback; when it goes out, with the
 * programme's quiet hours; and the send button with the number of people.
 * Typing in a text area updates only the previews, the refusal and the button (`hx-select-oob`),
 * so the text being typed is never replaced.
 */

import { broadcastOutput } from "../domain/broadcasts/broadcast-fanout.ts";
import type { BroadcastPreview } from "../domain/broadcasts/broadcasts.ts";
import { renderOutputs } from "../i18n/render.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import type { BroadcastForm } from "./broadcast-form.ts";
import type { BroadcastView } from "./broadcast-view.ts";
import { html, type SafeHtml } from "./html.ts";

/** What the domain said about the form: its preview, or why it has none. */
export type ComposerState = { preview: BroadcastPreview; notice?: string } | { error: string };

/** The languages the composer shows a text area for: those in the segment, else those with a text. */
function languagesShown(form: BroadcastForm, state: ComposerState): string[] {
  if ("preview" in state) return state.preview.byLanguage.map((l) => l.locale);
  return CLIENT_LOCALES.filter((l) => form.texts[l] || form.fallbacks[l]);
}

/** The message as the client will see it (header in their text's language, then the text). */
export function clientBubble(view: BroadcastView, kind: string, text: string, locale: string): SafeHtml {
  const [rendered] = renderOutputs([broadcastOutput(kind, text)], locale, view.translator);
  return html`<p class="bubble" lang="${locale}" dir="${view.translator.dir(locale)}">${rendered?.message.text ?? ""}</p>`;
}

function previewOf(view: BroadcastView, form: BroadcastForm, locale: string): SafeHtml {
  const { t } = view;
  const textLocale = form.texts[locale] ? locale : form.fallbacks[locale];
  const text = textLocale ? form.texts[textLocale] : undefined;
  const body =
    textLocale && text
      ? html`${textLocale !== locale ? html`<p class="muted">${t("gets_fallback", { language: view.language(textLocale) })}</p>` : ""}
<p class="muted">${t("preview_as_client", { language: view.language(locale) })}</p>${clientBubble(view, form.kind, text, textLocale)}`
      : html`<p class="muted">${t("no_text_yet")}</p>`;
  return html`<div id="preview-${locale}" class="preview">${body}</div>`;
}

function languageBox(
  view: BroadcastView,
  form: BroadcastForm,
  locale: string,
  people: number | null,
  oob: SafeHtml,
) {
  const { t } = view;
  const others = CLIENT_LOCALES.filter((l) => l !== locale).map(
    (l) =>
      html`<option value="${l}" ${form.fallbacks[locale] === l ? html`selected` : ""}>${t("fallback_to", { language: view.language(l) })}</option>`,
  );
  const name = view.language(locale);
  return html`<fieldset class="card language-text">
<legend>${name}${people === null ? "" : html` · ${t("people", { count: people })}`}</legend>
<label for="text-${locale}">${t("text_in", { language: name })}</label>
<textarea id="text-${locale}" name="text_${locale}" rows="4" maxlength="1500" lang="${locale}" dir="${view.translator.dir(locale)}"
  hx-post="/console/broadcasts/preview" hx-trigger="input changed delay:400ms" hx-swap="none" hx-select-oob="${oob}">${form.texts[locale] ?? ""}</textarea>
<label>${t("fallback")} <select name="fallback_${locale}" hx-post="/console/broadcasts/preview" hx-trigger="change" hx-swap="none" hx-select-oob="${oob}"><option value="">${t("no_fallback")}</option>${others}</select></label>
${previewOf(view, form, locale)}
</fieldset>`;
}

function reach(view: BroadcastView, p: BroadcastPreview): SafeHtml {
  const { t } = view;
  const rows = p.byLanguage.map(
    (l) =>
      html`<tr><th scope="row">${view.language(l.locale)}</th><td>${l.people}</td><td>${l.textLocale === null ? html`<strong>${t("text_missing")}</strong>` : l.textLocale === l.locale ? t("text_own") : t("text_fallback", { language: view.language(l.textLocale) })}</td></tr>`,
  );
  return html`<section id="reach" class="card" aria-labelledby="reach-title">
<h2 id="reach-title">${t("reach_title")}</h2>
<p class="big">${t("will_get_it", { count: p.recipients })}</p>
${rows.length ? html`<table><thead><tr><th scope="col">${t("language")}</th><th scope="col">${t("people_column")}</th><th scope="col">${t("text_column")}</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p>${t("nobody")}</p>`}
<p class="muted">${t("not_reached", { optedOut: p.optedOut, blocked: p.blocked, none: p.noConversation })}</p>
</section>`;
}

function refusal(view: BroadcastView, p: BroadcastPreview): SafeHtml {
  const list = p.missing.map((m) => `${view.language(m.locale)} (${view.t("people", { count: m.people })})`);
  return html`<div id="refusal">${list.length ? html`<p class="error">${view.t("refusal", { languages: view.translator.formatList(list, view.staff.locale) })}</p>` : ""}</div>`;
}

function sendTime(view: BroadcastView, p: BroadcastPreview, notice: string | undefined): SafeHtml {
  const { t } = view;
  const quiet = p.quietHours
    ? t("quiet_hours", { start: p.quietHours.start, end: p.quietHours.end, zone: p.timeZone })
    : t("no_quiet_hours");
  return html`<div id="send-time" class="card">${notice ? html`<p class="error">${notice}</p>` : ""}<p><strong>${t("goes_out", { at: view.when(p.sendAt, p.timeZone) })}</strong>${p.movedOutOfQuietHours ? html` — ${t("moved_out")}` : ""}</p><p class="muted">${quiet}</p></div>`;
}

function sendButton(view: BroadcastView, state: ComposerState): SafeHtml {
  const people = "preview" in state ? state.preview.recipients : 0;
  return html`<p id="send"><button type="submit">${view.t("send_to", { count: people })}</button></p>`;
}

/** The composer's inner HTML (the target of every segment change). */
export function composerHtml(view: BroadcastView, form: BroadcastForm, state: ComposerState): SafeHtml {
  const shown = languagesShown(form, state);
  const oob = html`${["#reach", "#refusal", "#send", ...shown.map((l) => `#preview-${l}`)].join(",")}`;
  const people = (locale: string) =>
    "preview" in state ? (state.preview.byLanguage.find((l) => l.locale === locale)?.people ?? 0) : null;
  if ("error" in state)
    return html`<p class="error" role="alert">${state.error}</p>
<div id="reach"></div><div id="refusal"></div>
${shown.map((l) => languageBox(view, form, l, people(l), oob))}${sendButton(view, state)}`;
  const p = state.preview;
  return html`${reach(view, p)}
<h2>${view.t("texts_title")}</h2>
${shown.length ? html`<p class="muted">${view.t("texts_hint")}</p>` : ""}
${shown.map((l) => languageBox(view, form, l, people(l), oob))}
${refusal(view, p)}
${sendTime(view, p, state.notice)}
${sendButton(view, state)}`;
}
