/**
 * `quietly` drops what botframework-connector's token check console.errors, and only that: a
 * console.error of other work at the same moment still reaches the console.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, expect, test, vi } from "vitest";
import { quietly } from "../../../src/channels/teams/quiet-token-check.ts";

afterEach(() => vi.restoreAllMocks());

test("inside the check console.error is dropped; outside it, at the same moment, it is not", async () => {
  const spy = vi.spyOn(console, "error").mockImplementation(() => {});
  const check = quietly(async () => {
    await sleep(5);
    console.error("Error finding key for token. Available keys: …");
    return "checked";
  });
  const elsewhere = (async () => {
    await sleep(5);
    console.error("another request's error");
  })();
  expect(await check).toBe("checked");
  await elsewhere;
  expect(spy.mock.calls).toEqual([["another request's error"]]);
});

test("a console.error replaced since (a spy) is filtered again on the next check", async () => {
  await quietly(async () => {});
  const spy = vi.spyOn(console, "error").mockImplementation(() => {});
  await quietly(async () => console.error("dropped"));
  console.error("kept");
  expect(spy.mock.calls).toEqual([["kept"]]);
});
