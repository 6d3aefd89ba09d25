/**
 * A network error before the request left (connection refused) is safe to retry; one after it
 * left (the connection dropped before an answer) is "uncertain": Telegram may have delivered it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "vitest";
import { createTelegramSender } from "../../../src/channels/telegram/sender.ts";
import { SendError } from "../../../src/channels/types.ts";

const sender = (apiRoot: string) =>
  createTelegramSender("123456789:FAKE-token_for-tests-abcdefghij", { apiRoot });

const address = { channel: "telegram" as const, externalConversationId: "42", externalUserId: "42" };
const message = { text: "hello", locale: "en", direction: "ltr" as const };

test("connection refused: transient (nothing reached Telegram)", async () => {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  const error = await sender(`http://127.0.0.1:${port}`)
    .send(address, message)
    .catch((e) => e);
  expect(error).toBeInstanceOf(SendError);
  expect(error.kind).toBe("transient");
});

test("connection dropped after the request arrived: uncertain", async () => {
  const server = http.createServer((req) => {
    req.resume();
    req.on("end", () => req.socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  try {
    const error = await sender(`http://127.0.0.1:${port}`)
      .send(address, message)
      .catch((e) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error.kind).toBe("uncertain");
  } finally {
    server.close();
  }
});
