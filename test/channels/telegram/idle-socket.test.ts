/**
 * Kept-alive connections to the Bot API are closed by us once idle for `idleSocketMs`, before a
 * server closes them: a send on a connection the server is closing at that moment fails with a
 * reset, and is then `uncertain` (never sent again). The server here keeps connections for a
 * minute, so only the client can close them within the test.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import { createTelegramSender } from "../../../src/channels/telegram/sender.ts";

const address = { channel: "telegram" as const, externalConversationId: "42", externalUserId: "42" };
const message = { text: "hello", locale: "en", direction: "ltr" as const };

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A Bot API stand-in that answers every sendMessage and notes its connections. */
async function startServer() {
  const connections = { opened: 0, closed: 0 };
  let nextId = 1;
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const result = { message_id: nextId++, date: 0, chat: { id: 42, type: "private" }, text: "hello" };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, result }));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket) => {
    connections.opened++;
    socket.on("close", () => connections.closed++);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { apiRoot: `http://127.0.0.1:${port}`, connections };
}

const senderFor = (apiRoot: string, idleSocketMs: number) =>
  createTelegramSender("123456789:FAKE-token_for-tests-abcdefghij", { apiRoot, idleSocketMs });

const until = async (condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
};

test("an idle connection is closed by the client after idleSocketMs, and the next send opens another", async () => {
  const { apiRoot, connections } = await startServer();
  const sender = senderFor(apiRoot, 300);
  const sentAt = Date.now();
  const first = await sender.send(address, message);
  expect(first.externalMessageId).toBe("1");
  expect(connections.opened).toBe(1);
  expect(await until(() => connections.closed === 1, 3000), "the idle connection was closed").toBe(true);
  expect(Date.now() - sentAt, "not before it was idle for 300 ms").toBeGreaterThanOrEqual(290);
  const second = await sender.send(address, message);
  expect(second.externalMessageId).toBe("2");
  expect(connections.opened, "a new connection for the next send").toBe(2);
});

test("a connection in use is kept: sends in a row share one, and it stays open while idle less than idleSocketMs", async () => {
  const { apiRoot, connections } = await startServer();
  const sender = senderFor(apiRoot, 2000);
  for (let i = 0; i < 5; i++) await sender.send(address, message);
  expect(connections.opened, "kept alive between sends").toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(connections.closed, "idle for less than 2 s: still open").toBe(0);
});
