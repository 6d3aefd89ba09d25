import { expect, test } from "vitest";
import { followReport } from "../../src/console/broadcast-live.ts";
import type { EventStream } from "../../src/console/event-stream.ts";
import { html } from "../../src/console/html.ts";

/** A stream that records what it was sent and whether the server closed it. */
function fakeStream() {
  const sent: string[] = [];
  let finish: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const stream: EventStream & { sent: string[]; closedByServer: boolean } = {
    sent,
    closedByServer: false,
    send: (event, data) => sent.push(`${event}:${String(data)}`),
    close() {
      stream.closedByServer = true;
      finish();
    },
    closed,
  };
  return stream;
}

test("a report that fails to render closes the stream (htmx reconnects) instead of beating on with no data", async () => {
  const stream = fakeStream();
  let renders = 0;
  const render = async () => {
    renders += 1;
    if (renders > 1) throw new Error("database gone");
    return html`<p>42 sent</p>`;
  };
  await expect(followReport(stream, render, 5)).rejects.toThrow("database gone");
  expect(stream.sent).toEqual(["report:<p>42 sent</p>"]);
  expect(stream.closedByServer).toBe(true);
});
