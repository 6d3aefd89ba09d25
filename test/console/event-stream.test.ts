import Fastify from "fastify";
import { afterAll, expect, test } from "vitest";
import { openEventStream } from "../../src/console/event-stream.ts";
import { html } from "../../src/console/html.ts";

const http = Fastify();
let closedByClient: Promise<void> | undefined;
http.get("/events", async (request, reply) => {
  const stream = openEventStream(request, reply);
  stream.send("handover", html`<li>${"<new>"}</li>\n<li>two</li>`);
  stream.send("count", "3");
  if ((request.query as { keep?: string }).keep) closedByClient = stream.closed;
  else stream.close();
  await stream.closed;
});
afterAll(() => http.close());

test("an event stream sends named events, multi-line data as several data lines, escaped HTML", async () => {
  const base = await http.listen({ host: "127.0.0.1", port: 0 });
  const response = await fetch(`${base}/events`);
  expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
  expect(await response.text()).toBe(
    ": open\n\nevent: handover\ndata: <li>&lt;new&gt;</li>\ndata: <li>two</li>\n\nevent: count\ndata: 3\n\n",
  );
});

test("closed resolves when the browser goes away", async () => {
  const base = `http://127.0.0.1:${(http.server.address() as { port: number }).port}`;
  const controller = new AbortController();
  const response = await fetch(`${base}/events?keep=1`, { signal: controller.signal });
  const reader = response.body?.getReader();
  await reader?.read();
  controller.abort();
  await expect(closedByClient).resolves.toBeUndefined();
});
