/**
 * The observers' columns of the conversation (TurnObservation.conversation): one UPDATE of the
 * row per statement, so a column the core sets, one set twice or one that is not a plain name is
 * refused; in a transaction they are an UPDATE part of the observers' own statement.
 */
import { expect, test } from "vitest";
import { observedParts } from "../../src/conversation/turn-save.ts";
import { conversationSets } from "../../src/conversation/turn-write.ts";
import { SqlParams } from "../../src/store/sql-write.ts";

const sets = (...columns: string[]) => ({
  parts: [],
  conversation: columns.map((column) => ({ column, value: "$9" })),
});

test("the observers' columns of the conversation, each once, none of the core's", () => {
  expect(conversationSets([sets("reachCounted"), sets()])).toEqual(['"reachCounted" = $9']);
  expect(() => conversationSets([sets("reachCounted"), sets("reachCounted")])).toThrow("set twice");
  expect(() => conversationSets([sets("status")])).toThrow("set twice");
  expect(() => conversationSets([sets('x" = 1; --')])).toThrow("not a plain name");
});

test("in a transaction, the columns are one UPDATE part after the observers' parts", () => {
  const params = new SqlParams();
  const part = { name: "reach", sql: "INSERT …" };
  const parts = observedParts(
    [{ parts: [part], conversation: [{ column: "reachCounted", value: "$7::boolean" }] }],
    "c1",
    params,
  );
  expect(parts.map((p) => p.name)).toEqual(["reach", "observed_conversation"]);
  expect(parts[1]?.sql).toBe('UPDATE "Conversation" SET "reachCounted" = $7::boolean WHERE id = $1::text');
  expect(params.values).toEqual(["c1"]);
  expect(observedParts([{ parts: [part] }], "c1", new SqlParams())).toEqual([part]);
});
