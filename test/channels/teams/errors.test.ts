/**
 * How a Bot Connector failure becomes a SendError for the outbox (src/channels/teams/errors.ts):
 * 412 and 502/503/504 are retried with backoff, a 429 pauses the channel for its Retry-After.
 * The errors are shaped as botbuilder's connector client throws them (statusCode, response).
 */
import { describe, expect, test } from "vitest";
import { toSendError } from "../../../src/channels/teams/errors.ts";
import { SendError } from "../../../src/channels/types.ts";

function connectorError(statusCode: number, headers: Record<string, string> = {}, body = "") {
  return Object.assign(new Error(`status ${statusCode}`), {
    statusCode,
    response: { bodyAsText: body, headers: { get: (name: string) => headers[name.toLowerCase()] } },
  });
}

describe("toSendError", () => {
  test.each([412, 502, 503, 504])("%i → transient (retried with backoff)", (status) => {
    const error = toSendError(connectorError(status));
    expect(error).toBeInstanceOf(SendError);
    expect(error.kind).toBe("transient");
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  test("429 with Retry-After → rate_limited for that many seconds", () => {
    const error = toSendError(connectorError(429, { "retry-after": "7" }));
    expect(error.kind).toBe("rate_limited");
    expect(error.retryAfterSeconds).toBe(7);
  });

  test("429 without a usable Retry-After → rate_limited for 1 second", () => {
    expect(toSendError(connectorError(429)).retryAfterSeconds).toBe(1);
    expect(toSendError(connectorError(429, { "retry-after": "soon" })).retryAfterSeconds).toBe(1);
  });

  test("403 MessageWritesBlocked → blocked; another 403 → permanent", () => {
    const blocked = connectorError(403, {}, '{"error":{"code":"MessageWritesBlocked"}}');
    expect(toSendError(blocked).kind).toBe("blocked");
    expect(toSendError(connectorError(403, {}, '{"error":{"code":"Forbidden"}}')).kind).toBe("permanent");
  });
});
