/**
 * `GET /console/cases/:id/conversation`: the whole conversation with a case's client (both
 * directions, who wrote it, delivery status, in the client's language), the case and assessment
 * summary beside it, and the reply box: a quick reply picked in the staff member's language with
 * its parameters and a preview in the client's language (right-to-left for Arabic), or free text.
 * Live: the transcript is swapped in by server-sent events when the client writes.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { caseForStaff } from "../domain/cases/case-access.ts";
import { caseClientName } from "../domain/cases/client-names.ts";
import { lastChannel } from "../domain/cases/last-channel.ts";
import { markSeen, openHandoverOfCase } from "../domain/handovers/handover-queries.ts";
import { QUICK_REPLIES, QUICK_REPLY_KEYS } from "../domain/handovers/quick-replies.ts";
import { caseTranscript, type TranscriptEntry } from "../domain/handovers/transcript.ts";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import { consoleText } from "./console-context.ts";
import { csrfField } from "./csrf.ts";
import { submissionField } from "./form-submission.ts";
import { html, type SafeHtml } from "./html.ts";
import { renderPage } from "./layout.ts";
import { staffOf } from "./require-staff.ts";

export type T = (key: string, params?: Record<string, string | number>) => string;

/** The counsellor-language name of a client locale ("Romani"). */
export function languageName(request: FastifyRequest, staff: StaffIdentity, locale: string | null): string {
  const code: Record<string, string> = {
    rom: "romani",
    ro: "romanian",
    bg: "bulgarian",
    ar: "arabic",
    nl: "dutch",
    fr: "french",
    en: "english",
  };
  const name = locale ? code[locale] : undefined;
  return name
    ? request.server.consoleContext.translator.t(`counsellor.code_languages_${name}`, staff.locale)
    : "—";
}

/** The transcript as a list (also the fragment the live stream sends). */
export function transcriptHtml(
  request: FastifyRequest,
  staff: StaffIdentity,
  t: T,
  entries: TranscriptEntry[],
): SafeHtml {
  const { translator, config } = request.server.consoleContext;
  if (!entries.length) return html`<p>${t("transcript_empty")}</p>`;
  return html`<ol class="transcript">${entries.map((m) => {
    const who =
      m.author === "client"
        ? t("author_client")
        : m.author === "bot"
          ? t("author_bot")
          : (m.staffName ?? t("author_staff"));
    const text = m.text ?? (m.choiceId ? t("tapped_button") : t("not_kept"));
    const dir = m.locale ? translator.dir(m.locale) : "auto";
    // Words someone typed are in a language we do not know: lang="" (unknown), not the page's.
    const lang = m.locale ?? (m.text ? "" : undefined);
    return html`<li class="msg ${m.direction} ${m.author}">
<p class="text" ${lang === undefined ? "" : html`lang="${lang}"`} dir="${dir}">${text}</p>
<p class="meta">${who} · ${translator.formatDateTime(m.createdAt, staff.locale, config.TZ_DEFAULT)} · ${t(`channel_${m.channel}`)}${m.direction === "outbound" ? html` · <span class="status-${m.delivery}" id="status-${m.id}">${t(`delivery_${m.delivery}`)}</span>` : ""}</p>
</li>`;
  })}</ol>`;
}

/** The reply box: a quick reply (with parameters and a live preview) or free text. */
function replyBox(request: FastifyRequest, staff: StaffIdentity, t: T, caseId: string): SafeHtml {
  const { translator } = request.server.consoleContext;
  const options = QUICK_REPLY_KEYS.map(
    (key) =>
      html`<option value="${key}">${translator.t(`counsellor.quick_reply_${key}`, staff.locale)}${QUICK_REPLIES[key].length ? " …" : ""}</option>`,
  );
  const previewUrl = `/console/cases/${encodeURIComponent(caseId)}/quick-reply-preview`;
  return html`<form id="quick-form" class="card" method="post" action="/console/cases/${caseId}/messages">
${csrfField(request)}${submissionField()}
<h2 id="quick-title">${t("quick_reply")}</h2>
<label for="quickReply">${t("quick_reply_choose")}</label>
<select id="quickReply" name="quickReply" hx-get="${previewUrl}" hx-trigger="change, load" hx-include="#quick-form" hx-target="#preview">${options}</select>
<div class="params">
<div><label for="qr-date">${t("date")}</label><input id="qr-date" type="date" name="date" hx-get="${previewUrl}" hx-trigger="change" hx-include="#quick-form" hx-target="#preview"></div>
<div><label for="qr-time">${t("time")}</label><input id="qr-time" type="time" name="time" hx-get="${previewUrl}" hx-trigger="change" hx-include="#quick-form" hx-target="#preview"></div>
<div><label for="qr-place">${t("place")}</label><input id="qr-place" type="text" name="place" maxlength="120" hx-get="${previewUrl}" hx-trigger="keyup changed delay:400ms" hx-include="#quick-form" hx-target="#preview"></div>
</div>
<div id="preview" class="preview" aria-live="polite"></div>
<p><button type="submit" name="kind" value="quick">${t("send_quick_reply")}</button></p>
</form>
<form id="text-form" class="card" method="post" action="/console/cases/${caseId}/messages">
${csrfField(request)}${submissionField()}
<label for="reply-text">${t("free_text")}</label>
<textarea id="reply-text" name="text" rows="3" maxlength="4000"></textarea>
<p class="muted">${t("free_text_hint")}</p>
<p><button type="submit" name="kind" value="text">${t("send_text")}</button></p>
</form>`;
}

/** The case and assessment beside the conversation. */
function summary(
  request: FastifyRequest,
  staff: StaffIdentity,
  t: T,
  overview: Awaited<ReturnType<typeof caseForStaff>>,
  channel: string | null,
): SafeHtml {
  const { translator } = request.server.consoleContext;
  const c = overview.case;
  const readiness = (overview.assessment?.readiness ?? null) as {
    openPreconditions?: string[];
    sectors?: string[];
  } | null;
  const words = (prefix: string, codes: string[] | undefined) =>
    (codes ?? []).map((code) => translator.t(`counsellor.${prefix}${code}`, staff.locale)).join(", ") || "—";
  return html`<aside class="card summary" aria-labelledby="summary-title">
<h2 id="summary-title">${t("case_summary")}</h2>
<dl class="fields">
  <dt>${t("language")}</dt><dd>${languageName(request, staff, c.clientLocale)}</dd>
  <dt>${t("last_channel")}</dt><dd>${channel ? t(`channel_${channel}`) : "—"}</dd>
  <dt>${t("status")}</dt><dd>${t(`status_${c.status}`)}</dd>
  <dt>${t("programme")}</dt><dd>${c.programmeName ?? t("no_programme")}</dd>
  <dt>${t("counsellor")}</dt><dd>${c.counsellorName ?? t("no_counsellor")}</dd>
  ${
    readiness
      ? html`<dt>${t("open_preconditions")}</dt><dd>${words("code_precondition_", readiness.openPreconditions)}</dd>
  <dt>${t("sectors")}</dt><dd>${words("code_interests_", readiness.sectors)}</dd>`
      : html`<dt>${t("assessment")}</dt><dd>${t("assessment_none")}</dd>`
  }
</dl>
<p><a href="/console/cases/${c.id}">${t("open_case")}</a></p>
</aside>`;
}

/** Renders the conversation page (after a send, with its notice). */
export async function showConversation(
  request: FastifyRequest,
  reply: FastifyReply,
  caseId: string,
  notice?: { sent?: boolean; foreign?: boolean; error?: string },
) {
  const staff = staffOf(request);
  const { db, translator } = request.server.consoleContext;
  const t: T = (key, params) => consoleText(translator, staff.locale, key, params);
  const overview = await caseForStaff(db, staff, caseId);
  const [entries, handover, channel, clientName] = await Promise.all([
    caseTranscript(db, caseId),
    openHandoverOfCase(db, caseId),
    lastChannel(db, caseId),
    caseClientName(db, caseId),
  ]);
  if (handover) await markSeen(db, handover.id);
  const language = languageName(request, staff, overview.case.clientLocale);
  const handBack = handover
    ? html`<form method="post" action="/console/handovers/${handover.id}/hand-back" class="inline">${csrfField(request)}
<p class="notice">${t("waiting_person")} <button type="submit" class="secondary">${t("hand_back")}</button></p></form>`
    : html`<p class="muted">${t("bot_answers")}</p>`;
  const body = html`${notice?.error ? html`<p class="error" role="alert">${notice.error}</p>` : ""}
${notice?.sent ? html`<p class="notice" role="status">${t("message_sent")}</p>` : ""}
${notice?.foreign ? html`<p class="error" role="alert">${translator.t("counsellor.language_note", staff.locale, { language })}</p>` : ""}
${handBack}
<div class="conversation">
<section aria-labelledby="transcript-title">
<h2 id="transcript-title">${t("transcript")}</h2>
<div hx-ext="sse" sse-connect="/console/cases/${caseId}/conversation/events"><div id="transcript" sse-swap="transcript">${transcriptHtml(request, staff, t, entries)}</div></div>
${replyBox(request, staff, t, caseId)}
</section>
${summary(request, staff, t, overview, channel)}
</div>`;
  // The tab says who (beside other clients' tabs); the heading who and in which language.
  const name = clientName ?? overview.case.reference ?? t("client_without_name");
  const heading = t("conversation_title", { name, language });
  return renderPage(reply, staff, { heading, tab: name, section: "/console/inbox" }, body);
}
