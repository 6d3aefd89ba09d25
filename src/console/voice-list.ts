/**
 * The voice recordings page's body: the client languages as links, the groups (one per flow, by
 * the name staff know it by, then the other messages) as links, then per group one card per message worth voicing (the
 * deployment's VoiceKeys on the console context, src/domain/voice/voice-keys.ts), with its text
 * in that language, its recording (a player for staff, who recorded and who approved it), the
 * recorder (voice-recorder.js) and the approve and delete buttons. A recording is approved by
 * someone other than its recorder, and deleted by its recorder or their organisation's coordinator.
 */
import type { FastifyRequest } from "fastify";
import { VOICE_MAX_BYTES, VOICE_MAX_MS } from "../domain/voice/voice-audio.ts";
import type { VoiceKeyGroup } from "../domain/voice/voice-keys.ts";
import { mayDeleteRecording, type VoiceRecordingSummary } from "../domain/voice/voice-recordings.ts";
import { flowNameKey } from "../flows/flow-name.ts";
import { CLIENT_LOCALES, type Translator } from "../i18n/translator.ts";
import { consoleText } from "./console-context.ts";
import { csrfField } from "./csrf.ts";
import { html, type SafeHtml } from "./html.ts";
import { staffOf } from "./require-staff.ts";

type Text = (key: string, params?: Record<string, string | number>) => string;

/** The whole page body for `locale`; `names` are the recorders and approvers of my organisation. */
export function voiceListBody(
  request: FastifyRequest,
  locale: string,
  recordings: readonly VoiceRecordingSummary[],
  names: ReadonlyMap<string, string>,
): SafeHtml {
  const staff = staffOf(request);
  const { translator, voiceKeys } = request.server.consoleContext;
  const t: Text = (key, params) => consoleText(translator, staff.locale, key, params);
  const languages = CLIENT_LOCALES.map(
    (l) =>
      html`<li><a href="/console/voice?locale=${l}" ${l === locale ? html`aria-current="page"` : ""}>${t(`voice_language_${l}`)}</a></li>`,
  );
  const byKey = new Map(recordings.map((r) => [r.messageKey, r]));
  const card = (key: string) =>
    voiceCard(
      request,
      t,
      { key, locale, text: translator.t(key, locale), dir: translator.dir(locale) },
      byKey.get(key),
      names,
    );
  const groups = voiceKeys.groups.map((group, index) => {
    const done = group.keys.filter((k) => byKey.get(k)?.approvedAt).length;
    return {
      id: `voice-group-${index + 1}`,
      title: groupTitle(translator, staff.locale, group),
      done,
      group,
    };
  });
  const contents = groups.map(
    (g) =>
      html`<li><a href="#${g.id}">${g.title}</a> <span class="muted">${t("voice_group_done", { done: g.done, total: g.group.keys.length })}</span></li>`,
  );
  const sections = groups.map(
    (g) => html`<section class="voice-group" aria-labelledby="${g.id}"><h2 id="${g.id}">${g.title}</h2>
<ul class="voice-keys">${g.group.keys.map(card)}</ul></section>`,
  );
  const strings = {
    record: t("voice_record"),
    stop: t("voice_stop"),
    upload: t("voice_upload"),
    uploading: t("voice_uploading"),
    micDenied: t("voice_mic_denied"),
    tooLarge: t("error_voice_too_large"),
    failed: t("error_generic"),
  };
  return html`<p class="muted">${t("voice_intro", { seconds: VOICE_MAX_MS / 1000 })}</p>
<nav aria-label="${t("voice_languages")}"><ul class="voice-languages">${languages}</ul></nav>
<nav aria-label="${t("voice_groups")}"><ul class="voice-group-links">${contents}</ul></nav>
<div class="voice-groups" data-strings="${JSON.stringify(strings)}" data-max-bytes="${VOICE_MAX_BYTES}">${sections}</div>
<script src="/console/assets/voice-recorder.js" defer></script>`;
}

/**
 * A flow's group by the flow's name in the staff member's language; a deployment's own flow that
 * has none (flows:check asks for one) by its description, else its id; the rest by a word.
 */
function groupTitle(translator: Translator, locale: string, group: VoiceKeyGroup): string {
  if (!group.flow) return translator.t("console.voice_group_rest", locale);
  const name = flowNameKey(group.flow);
  return translator.has(name, locale) ? translator.t(name, locale) : (group.description ?? group.flow);
}

interface Slot {
  key: string;
  locale: string;
  text: string;
  dir: "ltr" | "rtl";
}

function voiceCard(
  request: FastifyRequest,
  t: Text,
  slot: Slot,
  recording: VoiceRecordingSummary | undefined,
  names: ReadonlyMap<string, string>,
): SafeHtml {
  const id = `voice-${slot.key.replace(/\W/g, "-")}`;
  return html`<li class="voice-key" id="${id}">
<h3><code>${slot.key}</code></h3>
<p class="voice-text" lang="${slot.locale}" dir="${slot.dir}">${slot.text}</p>
${recording ? recordingPart(request, t, recording, names) : html`<p class="muted voice-status">${t("voice_none")}</p>`}
<div class="voice-recorder" data-locale="${slot.locale}" data-key="${slot.key}" aria-labelledby="${id}">
  <button type="button" class="voice-record">${t("voice_record")}</button>
  <audio class="voice-preview" controls hidden aria-label="${t("voice_preview")}"></audio>
  <button type="button" class="voice-upload" hidden>${t("voice_upload")}</button>
  <p class="voice-message" role="status"></p>
</div>
</li>`;
}

function recordingPart(
  request: FastifyRequest,
  t: Text,
  recording: VoiceRecordingSummary,
  names: ReadonlyMap<string, string>,
): SafeHtml {
  const staff = staffOf(request);
  const nameOf = (id: string) => names.get(id) ?? t("voice_someone_else");
  const seconds = (recording.durationMs / 1000).toFixed(1);
  const status = recording.approvedAt
    ? t("voice_approved_by", {
        recorder: nameOf(recording.recordedById),
        approver: nameOf(recording.approvedById ?? ""),
      })
    : t("voice_waiting", { recorder: nameOf(recording.recordedById) });
  const mine = recording.recordedById === staff.staffId;
  const approve = recording.approvedAt
    ? ""
    : mine
      ? html`<p class="muted">${t("voice_own_hint")}</p>`
      : html`<form method="post" action="/console/voice/${recording.id}/approve">${csrfField(request)}
<input type="hidden" name="version" value="${recording.updatedAt.getTime()}">
<button type="submit">${t("voice_approve")}</button></form>`;
  // `names` holds my organisation's staff: a recorder among them is a colleague.
  const colleague = names.has(recording.recordedById) ? staff.organisationId : null;
  const remove = mayDeleteRecording(staff, recording, colleague)
    ? html`<form method="post" action="/console/voice/${recording.id}/delete">${csrfField(request)}
<button type="submit" class="secondary">${t("voice_delete")}</button></form>`
    : "";
  return html`<p class="voice-status ${recording.approvedAt ? "approved" : "waiting"}">${status} · ${seconds} s</p>
<audio controls preload="none" src="/console/voice/${recording.id}/audio" aria-label="${t("voice_listen")}"></audio>
<div class="voice-actions">${approve}${remove}</div>`;
}
