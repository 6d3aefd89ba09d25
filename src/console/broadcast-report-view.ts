/**
 * A broadcast's report as the console shows it (and the fragment its live stream sends): where it
 * stands, every recipient counted once (sent, pending, failed with the uncertain ones apart,
 * blocked, opted out, no text; erased and cancelled when there are any), and who replied — each
 * a link to their conversation in the inbox.
 */
import type { BroadcastReport } from "../domain/broadcasts/broadcast-report.ts";
import type { BroadcastView } from "./broadcast-view.ts";
import { html, type SafeHtml } from "./html.ts";

const ALWAYS = ["sent", "pending", "failed", "uncertain", "blocked", "optedOut", "noText"] as const;
const WHEN_ANY = ["erased", "cancelled"] as const;

/** Where the broadcast stands, in words. */
export function broadcastStatus(view: BroadcastView, report: Pick<BroadcastReport, "broadcast">): string {
  const b = report.broadcast;
  if (b.status === "scheduled") return view.t("status_scheduled", { at: view.when(b.sendAt) });
  if (b.status === "cancelled" && b.cancelledAt)
    return view.t("status_cancelled", { at: view.when(b.cancelledAt) });
  return view.t(`status_${b.status}`);
}

/** Whether the broadcast can still be stopped for someone: not cancelled, and not all gone. */
export function cancellable(report: BroadcastReport): boolean {
  const { status } = report.broadcast;
  return status === "scheduled" || status === "sending" || (status === "sent" && report.pending > 0);
}

/** The live part of the report page; `cancelForm` is shown while the broadcast can be cancelled. */
export function reportHtml(view: BroadcastView, report: BroadcastReport, cancelForm: SafeHtml): SafeHtml {
  const { t } = view;
  const shown = [...ALWAYS, ...WHEN_ANY.filter((k) => report[k] > 0)];
  const tallies = shown.map(
    (k) =>
      html`<div class="tally tally-${k}${report[k] > 0 ? " some" : ""}"><dt>${t(`tally_${k}`)}</dt><dd>${report[k]}</dd></div>`,
  );
  const replies = report.replied.map((r) => {
    const who = r.name ?? r.reference ?? t("client_without_name");
    return html`<li>${r.caseId ? html`<a href="/console/cases/${r.caseId}/conversation">${who}</a>` : who} · ${view.when(r.at)}</li>`;
  });
  return html`<p class="notice" role="status">${broadcastStatus(view, report)} · ${t("of_recipients", { count: report.recipients })}</p>
${cancellable(report) ? cancelForm : ""}
<dl class="tallies">${tallies}</dl>
<p class="muted">${t("uncertain_note")}</p>
<h2>${t("replied_title", { count: report.replied.length })}</h2>
${replies.length ? html`<ul class="replies">${replies}</ul>` : html`<p>${t("no_replies")}</p>`}`;
}
