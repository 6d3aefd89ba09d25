/**
 * The live report's loop: it renders the report every second while the browser is there and
 * sends it when it changed. Polling, not NOTIFY: a message's status is written by the outbox's
 * senders (bulk pages, retries, crash recovery), which this view does not reach into; reading the
 * committed statuses through the report (broadcast-tallies.ts) holds whatever path wrote them.
 */
import type { EventStream } from "./event-stream.ts";
import type { SafeHtml } from "./html.ts";

/** How often an open report is read again (ms). */
export const REPORT_POLL_MS = 1000;

/**
 * Sends `render()` as event "report" whenever it differs from the last one sent; ends with the
 * stream. A failed render rejects and closes the stream, so htmx reconnects rather than keeping a
 * stream that only beats its heart.
 */
export async function followReport(
  stream: EventStream,
  render: () => Promise<SafeHtml>,
  intervalMs = REPORT_POLL_MS,
): Promise<void> {
  let open = true;
  stream.closed.then(() => {
    open = false;
  });
  let last = "";
  try {
    while (open) {
      const fragment = String(await render());
      if (fragment !== last) {
        stream.send("report", fragment);
        last = fragment;
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, intervalMs).unref()), stream.closed]);
    }
  } finally {
    stream.close();
  }
}
