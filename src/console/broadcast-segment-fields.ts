/**
 * The segment builder's controls: programme, place, language, case status, tag (checkbox groups,
 * each a fieldset with its legend) and a saved list. A change in any of them asks the server for
 * the composer again (`hx-post` on the fieldset), so the counts per language are live. The
 * message's kind and time sit in a second fieldset that does the same.
 */
import type { SegmentOptions } from "../domain/broadcasts/segment-options.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import type { BroadcastForm } from "./broadcast-form.ts";
import type { BroadcastView } from "./broadcast-view.ts";
import { html, type SafeHtml } from "./html.ts";

const STATUSES = ["lead", "intake", "preparation", "training", "working", "closed"] as const;

/** hx attributes that refresh the composer when anything inside changes. */
export const REFRESH_COMPOSER = html`hx-post="/console/broadcasts/preview" hx-trigger="change" hx-target="#composer" hx-swap="innerHTML"`;

function group(
  name: string,
  legend: string,
  choices: { value: string; label: string }[],
  chosen: readonly string[] | undefined,
  none: string,
): SafeHtml {
  const boxes = choices.map(
    (c, i) =>
      html`<label class="choice"><input type="checkbox" name="${name}" value="${c.value}" id="${name}-${i}" ${chosen?.includes(c.value) ? html`checked` : ""}> ${c.label}</label>`,
  );
  return html`<fieldset class="choices"><legend>${legend}</legend>${choices.length ? boxes : html`<p class="muted">${none}</p>`}</fieldset>`;
}

/** The "who" fieldset. */
export function segmentFields(view: BroadcastView, options: SegmentOptions, form: BroadcastForm): SafeHtml {
  const { t, ct } = view;
  const s = form.segment;
  const lists = options.lists.map(
    (name) => html`<option value="${name}" ${s.list === name ? html`selected` : ""}>${name}</option>`,
  );
  return html`<fieldset class="card segment" ${REFRESH_COMPOSER}>
<legend>${t("who")}</legend>
<p class="muted">${t("who_hint")}</p>
<div class="segment-groups">
${group(
  "programme",
  t("programme"),
  options.programmes.map((p) => ({ value: p.slug, label: p.name })),
  s.programme,
  t("none_yet"),
)}
${group(
  "language",
  t("language"),
  CLIENT_LOCALES.map((l) => ({ value: l, label: view.language(l) })),
  s.language,
  t("none_yet"),
)}
${group(
  "status",
  t("case_status"),
  STATUSES.map((v) => ({ value: v, label: ct(`status_${v}`) })),
  s.status,
  t("none_yet"),
)}
${group(
  "place",
  t("place"),
  options.places.map((p) => ({ value: p, label: p })),
  s.place,
  t("none_yet"),
)}
${group(
  "tag",
  t("tag"),
  options.tags.map((p) => ({ value: p, label: p })),
  s.tag,
  t("none_yet"),
)}
<label>${t("saved_list")} <select name="list"><option value="">${t("no_list")}</option>${lists}</select></label>
</div>
</fieldset>`;
}

/** The "what and when" fieldset: the header the client sees, now or at a local time. */
export function whenFields(view: BroadcastView, form: BroadcastForm): SafeHtml {
  const { t } = view;
  const kind = (value: string) =>
    html`<option value="${value}" ${form.kind === value ? html`selected` : ""}>${t(`kind_${value}`)}</option>`;
  const radio = (value: "now" | "at") =>
    html`<label class="choice"><input type="radio" name="when" value="${value}" ${form.when === value ? html`checked` : ""}> ${t(`when_${value}`)}</label>`;
  return html`<fieldset class="card when" ${REFRESH_COMPOSER}>
<legend>${t("what_when")}</legend>
<label>${t("kind")} <select name="kind">${kind("programme")}${kind("job_update")}</select></label>
<fieldset class="choices"><legend>${t("when")}</legend>${radio("now")}${radio("at")}
<label>${t("at_time")} <input type="datetime-local" name="at" value="${form.at}"></label></fieldset>
</fieldset>`;
}
